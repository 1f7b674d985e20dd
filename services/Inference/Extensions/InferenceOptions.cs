using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Platform.Inference.Runtime;

namespace Platform.Inference.Extensions;

/// <summary>The <c>Inference</c> configuration section.</summary>
public sealed class InferenceOptions
{
    public const string SectionName = "Inference";

    /// <summary>
    /// The store (a name under <c>Storage:Stores</c>) in this server's own cloud: artifacts are read from its replica, and from
    /// another only when it is missing. Null: no store is local, so every read is a fallback.
    /// </summary>
    public string? LocalStore { get; set; }

    /// <summary>Where verified artifacts are kept, named by their SHA-256. Defaults to <c>data/model-cache</c> under the content root.</summary>
    public string? CacheDirectory { get; set; }

    /// <summary>The largest request body (JSON and binary data together); larger ones get 413.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxRequestBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>How often models declared by alias are resolved again, so that a lost event cannot leave a stale version serving.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The port of the gRPC endpoint (the protocol's <c>inference.GRPCInferenceService</c>, HTTP/2 without TLS), opened on the
    /// same host as the server's first HTTP address. Null: no gRPC endpoint. Triton's default is 8001.
    /// </summary>
    [Range(1, 65535)]
    public int? GrpcPort { get; set; }

    /// <summary>The key (header <c>X-Api-Key</c>) that <c>/v2/repository/models/{name}/load</c> and <c>/unload</c> require; unset, they are refused.</summary>
    public string? RepositoryApiKey { get; set; }

    /// <summary>Runtime settings for every model, unless the model sets its own.</summary>
    public ModelRuntimeSettings Defaults { get; set; } = new();

    /// <summary>The models to serve, by the name clients use.</summary>
    public Dictionary<string, ModelDeclaration> Models { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Runtime settings; null fields fall back to <see cref="InferenceOptions.Defaults"/>, then to <see cref="RuntimeOptions"/>'s defaults.</summary>
public class ModelRuntimeSettings
{
    public int? IntraOpThreads { get; set; }

    /// <summary>See <see cref="RuntimeOptions.AllowSpinning"/>.</summary>
    public bool? AllowSpinning { get; set; }

    public int? InterOpThreads { get; set; }

    public int? MaxBatchSize { get; set; }

    public TimeSpan? MaxQueueDelay { get; set; }

    public int? MaxQueueSize { get; set; }

    public int? Instances { get; set; }

    public RuntimeOptions Resolve(ModelRuntimeSettings? defaults)
    {
        var fallback = new RuntimeOptions();
        return new RuntimeOptions
        {
            IntraOpThreads = IntraOpThreads ?? defaults?.IntraOpThreads ?? fallback.IntraOpThreads,
            AllowSpinning = AllowSpinning ?? defaults?.AllowSpinning ?? fallback.AllowSpinning,
            InterOpThreads = InterOpThreads ?? defaults?.InterOpThreads ?? fallback.InterOpThreads,
            MaxBatchSize = MaxBatchSize ?? defaults?.MaxBatchSize ?? fallback.MaxBatchSize,
            MaxQueueDelay = MaxQueueDelay ?? defaults?.MaxQueueDelay ?? fallback.MaxQueueDelay,
            MaxQueueSize = MaxQueueSize ?? defaults?.MaxQueueSize ?? fallback.MaxQueueSize,
            Instances = Instances ?? defaults?.Instances ?? fallback.Instances,
        };
    }

    public IEnumerable<string> Problems(string owner)
    {
        if (IntraOpThreads is < 0 or > 1024 || InterOpThreads is < 0 or > 1024)
        {
            yield return $"{owner}: IntraOpThreads and InterOpThreads must be from 0 (ONNX Runtime chooses) to 1024.";
        }
        if (MaxBatchSize is < 1 or > 65536)
        {
            yield return $"{owner}:MaxBatchSize must be from 1 (no batching) to 65536.";
        }
        if (MaxQueueDelay is { } delay && (delay < TimeSpan.Zero || delay > TimeSpan.FromSeconds(10)))
        {
            yield return $"{owner}:MaxQueueDelay must be from 0 to 10 seconds.";
        }
        if (MaxQueueSize is < 1 or > 1_000_000)
        {
            yield return $"{owner}:MaxQueueSize must be from 1 to 1000000.";
        }
        if (Instances is < 1 or > 64)
        {
            yield return $"{owner}:Instances must be from 1 to 64.";
        }
    }
}

/// <summary>One served model: a registry reference (<c>iris@production</c>, <c>embedder/3</c>) or a local ONNX file.</summary>
public sealed class ModelDeclaration : ModelRuntimeSettings
{
    /// <summary><c>name@alias</c> follows the alias as it moves; <c>name/version</c> stays on that version.</summary>
    public string? Reference { get; set; }

    /// <summary>An ONNX file on this machine, for running without a registry.</summary>
    public string? Path { get; set; }

    /// <summary>The version a file model is served as.</summary>
    public string Version { get; set; } = "1";
}

/// <summary>Checks <see cref="InferenceOptions"/>'s data annotations with code generated at build time (see <c>AddValidatedOptions</c>).</summary>
[OptionsValidator]
public sealed partial class InferenceOptionsAnnotationsValidator : IValidateOptions<InferenceOptions>;
