namespace Platform.Deploy;

/// <summary>How a kind of service is sized and scaled; chosen by its project (Platform.Registry, Platform.Sync, ...).</summary>
public sealed record ServiceProfile(string CpuRequest, string MemoryRequest, string CpuLimit, string MemoryLimit, int Replicas, bool Autoscaled, bool Inference)
{
    public static ServiceProfile For(ManifestService service) => service.Project switch
    {
        // One writer of the control plane's database at a time is the simple, safe default; the outbox tolerates more.
        "Platform.Registry" => new("250m", "512Mi", "1", "1Gi", 2, Autoscaled: false, Inference: false),
        // Copies are streamed with bounded buffers: 256 MiB is the worker's goal, the limit leaves headroom.
        "Platform.Sync" => new("250m", "256Mi", "1", "512Mi", 2, Autoscaled: false, Inference: false),
        "Platform.Inference" => new("1", "1Gi", "2", "4Gi", 2, Autoscaled: true, Inference: true),
        "Platform.Gateway" => new("250m", "256Mi", "1", "512Mi", 2, Autoscaled: true, Inference: false),
        _ => new("100m", "256Mi", "500m", "512Mi", 2, Autoscaled: false, Inference: false),
    };
}
