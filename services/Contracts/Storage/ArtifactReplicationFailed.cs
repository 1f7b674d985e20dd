namespace Platform.Contracts.Storage;

/// <summary>A sync worker gave up copying an object to a store: retries were spent, or retrying cannot help (a conflict, a corrupt source).</summary>
public sealed record ArtifactReplicationFailed
{
    public required string SourceStore { get; init; }

    public required string Store { get; init; }

    public required string Key { get; init; }

    /// <summary>The SHA-256 the copy should have had, when it was known.</summary>
    public string? Sha256 { get; init; }

    public string? Model { get; init; }

    public int? Version { get; init; }

    /// <summary>Conflict (a different object already holds the key), SourceMissing, SourceCorrupt, or Error.</summary>
    public required string Kind { get; init; }

    public required string Reason { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }
}
