namespace Platform.Contracts.Storage;

/// <summary>A verified copy of an artifact now exists in another store.</summary>
public sealed record ArtifactReplicated
{
    public required string SourceStore { get; init; }

    public required string Store { get; init; }

    public required string Key { get; init; }

    public required long Size { get; init; }

    public required string Sha256 { get; init; }

    public string? Model { get; init; }

    public int? Version { get; init; }

    /// <summary>When the copy's hash was verified.</summary>
    public required DateTimeOffset VerifiedAt { get; init; }
}
