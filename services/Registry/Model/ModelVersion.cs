namespace Platform.Registry.Model;

public enum VersionStatus
{
    /// <summary>The number is taken and the artifact is on its way; never served.</summary>
    Uploading,

    /// <summary>Stored, hashed and opened by ONNX Runtime.</summary>
    Ready,

    /// <summary>Refused: <see cref="ModelVersion.FailureReason"/> says why. No artifact of it is left in any store.</summary>
    Failed,
}

/// <summary>One uploaded artifact of a model, with its signature and lineage.</summary>
public sealed class ModelVersion
{
    public long Id { get; set; }

    public long ModelId { get; set; }

    public RegisteredModel Model { get; set; } = null!;

    public int Version { get; set; }

    public VersionStatus Status { get; set; }

    public string? FailureReason { get; set; }

    /// <summary>The home store and key the registry wrote the artifact to.</summary>
    public required string Store { get; set; }

    public required string Key { get; set; }

    public long? Size { get; set; }

    public string? Sha256 { get; set; }

    public ModelSignature? Signature { get; set; }

    public Lineage Lineage { get; set; } = new();

    public required string CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public List<Replica> Replicas { get; set; } = [];
}
