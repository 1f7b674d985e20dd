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
/// What Triton's model configuration extension (<c>GET /v2/models/{name}/config</c>) answers, in the fields of Triton's model
/// configuration for the settings this server has: <c>platform</c> and <c>backend</c> as Triton names ONNX Runtime;
/// <c>max_batch_size</c> 0 and no <c>dynamic_batching</c> for a model that does not batch; the queue limit under
/// <c>dynamic_batching.default_queue_policy</c>; the ONNX Runtime settings as <c>parameters</c> (<c>intra_op_thread_count</c>
/// and <c>inter_op_thread_count</c> as in Triton's ONNX Runtime backend). Beyond Triton's fields: <c>version</c> (the
/// version described) and the parameters <c>allow_spinning</c> and <c>max_queue_size</c> (the queue limit of every model,
/// batching or not).
/// </summary>
public sealed record ModelConfigResponse(
    string Name,
    string Version,
    string Platform,
    string Backend,
    [property: JsonPropertyName("max_batch_size")] int MaxBatchSize,
    [property: JsonPropertyName("dynamic_batching"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DynamicBatchingConfig? DynamicBatching,
    [property: JsonPropertyName("instance_group")] IReadOnlyList<InstanceGroupConfig> InstanceGroup,
    IReadOnlyDictionary<string, ConfigParameter> Parameters);

public sealed record DynamicBatchingConfig(
    [property: JsonPropertyName("max_queue_delay_microseconds")] long MaxQueueDelayMicroseconds,
    [property: JsonPropertyName("default_queue_policy")] QueuePolicyConfig DefaultQueuePolicy);

public sealed record QueuePolicyConfig([property: JsonPropertyName("max_queue_size")] int MaxQueueSize);

public sealed record InstanceGroupConfig(int Count, string Kind);

public sealed record ConfigParameter([property: JsonPropertyName("string_value")] string StringValue);

/// <summary><c>$metadata_tensor</c>: -1 marks a dimension of any size.</summary>
public sealed record TensorMetadata(string Name, string Datatype, IReadOnlyList<long> Shape);

/// <summary><c>$repository_index_request</c>.</summary>
public sealed record RepositoryIndexRequest(bool? Ready);

/// <summary>One entry of <c>$repository_index_response</c>.</summary>
public sealed record RepositoryIndexEntry(string Name, string? Version, string State, string Reason);

/// <summary><c>$stats_model_response</c> of Triton's statistics extension.</summary>
public sealed record ModelStatsResponse([property: JsonPropertyName("model_stats")] IReadOnlyList<ModelStat> ModelStats);

/// <summary><c>$model_stat</c>: one model version's statistics since the server started.</summary>
public sealed record ModelStat(
    string Name,
    string Version,
    [property: JsonPropertyName("last_inference")] long LastInference,
    [property: JsonPropertyName("inference_count")] long InferenceCount,
    [property: JsonPropertyName("execution_count")] long ExecutionCount,
    [property: JsonPropertyName("inference_stats")] InferStats InferenceStats,
    [property: JsonPropertyName("batch_stats")] IReadOnlyList<BatchStat> BatchStats);

/// <summary><c>$inference_stats</c>: <c>cache_hit</c> stays at zero, since this server has no response cache.</summary>
public sealed record InferStats(
    DurationStat Success,
    DurationStat Fail,
    DurationStat Queue,
    [property: JsonPropertyName("compute_input")] DurationStat ComputeInput,
    [property: JsonPropertyName("compute_infer")] DurationStat ComputeInfer,
    [property: JsonPropertyName("compute_output")] DurationStat ComputeOutput,
    [property: JsonPropertyName("cache_hit")] DurationStat CacheHit);

/// <summary><c>$batch_stats</c>: the runs of one batch size.</summary>
public sealed record BatchStat(
    [property: JsonPropertyName("batch_size")] long BatchSize,
    [property: JsonPropertyName("compute_input")] DurationStat ComputeInput,
    [property: JsonPropertyName("compute_infer")] DurationStat ComputeInfer,
    [property: JsonPropertyName("compute_output")] DurationStat ComputeOutput);

/// <summary><c>$duration_stat</c>: a count and a total time in nanoseconds.</summary>
public sealed record DurationStat(long Count, long Ns);
