using System.Text.Json.Serialization;

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

/// <summary>
/// What Triton's model configuration extension (<c>GET /v2/models/{name}/config</c>) answers, in its field names, for the
/// settings this server has: <c>max_batch_size</c> is 0 for a model that cannot batch, and the ONNX Runtime settings are
/// <c>parameters</c> (<c>intra_op_thread_count</c> and <c>inter_op_thread_count</c> as in Triton's ONNX Runtime backend,
/// plus this server's <c>intra_op_allow_spinning</c>).
/// </summary>
public sealed record ModelConfigResponse(
    string Name,
    string Version,
    string Platform,
    [property: JsonPropertyName("max_batch_size")] int MaxBatchSize,
    [property: JsonPropertyName("dynamic_batching")] DynamicBatchingConfig? DynamicBatching,
    [property: JsonPropertyName("instance_group")] IReadOnlyList<InstanceGroupConfig> InstanceGroup,
    IReadOnlyDictionary<string, ConfigParameter> Parameters);

public sealed record DynamicBatchingConfig(
    [property: JsonPropertyName("max_queue_delay_microseconds")] long MaxQueueDelayMicroseconds,
    [property: JsonPropertyName("max_queue_size")] int MaxQueueSize);

public sealed record InstanceGroupConfig(int Count, string Kind);

public sealed record ConfigParameter([property: JsonPropertyName("string_value")] string StringValue);

/// <summary><c>$metadata_tensor</c>: -1 marks a dimension of any size.</summary>
public sealed record TensorMetadata(string Name, string Datatype, IReadOnlyList<long> Shape);

/// <summary><c>$repository_index_request</c>.</summary>
public sealed record RepositoryIndexRequest(bool? Ready);

/// <summary>One entry of <c>$repository_index_response</c>.</summary>
public sealed record RepositoryIndexEntry(string Name, string? Version, string State, string Reason);
