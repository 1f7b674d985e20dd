namespace Platform.Contracts.Storage;

/// <summary>An artifact now exists, verified, in a store: the cue for sync workers to replicate it to the stores the
/// policy names. It carries everything needed to act without calling back.</summary>
public sealed record ArtifactStored
{
    public required string Store { get; init; }

    public required string Key { get; init; }

    public required long Size { get; init; }

    public required string Sha256 { get; init; }

    /// <summary>The model and version the artifact belongs to, when it is a model artifact.</summary>
    public string? Model { get; init; }

    public int? Version { get; init; }

    /// <summary>The stores that should hold a copy (the model's replication policy, resolved to store names).</summary>
    public required IReadOnlyList<string> TargetStores { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }
}
