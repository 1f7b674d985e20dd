namespace Platform.Inference.Apis;

/// <summary><c>$metadata_server_response</c>.</summary>
public sealed record ServerMetadataResponse(string Name, string Version, IReadOnlyList<string> Extensions);

/// <summary><c>$live_server_response</c>.</summary>
public sealed record LiveResponse(bool Live);

/// <summary><c>$ready_server_response</c>.</summary>
public sealed record ReadyResponse(bool Ready);

/// <summary><c>$ready_model_response</c>.</summary>
public sealed record ModelReadyResponse(string Name, bool Ready);

/// <summary><c>$metadata_model_response</c>.</summary>
public sealed record ModelMetadataResponse(string Name, IReadOnlyList<string> Versions, string Platform, IReadOnlyList<TensorMetadata> Inputs, IReadOnlyList<TensorMetadata> Outputs);

/// <summary><c>$metadata_tensor</c>: -1 marks a dimension of any size.</summary>
public sealed record TensorMetadata(string Name, string Datatype, IReadOnlyList<long> Shape);

/// <summary><c>$repository_index_request</c>.</summary>
public sealed record RepositoryIndexRequest(bool? Ready);

/// <summary>One entry of <c>$repository_index_response</c>.</summary>
public sealed record RepositoryIndexEntry(string Name, string? Version, string State, string Reason);
