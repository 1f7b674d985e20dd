namespace Platform.Contracts.Models;

/// <summary>A model version was registered and its artifact validated (Status READY) or refused (Status FAILED).</summary>
public sealed record ModelVersionRegistered
{
    public required string Model { get; init; }

    public required int Version { get; init; }

    /// <summary>READY or FAILED.</summary>
    public required string Status { get; init; }

    /// <summary>Where the registry stored the artifact; null when the upload failed before it was stored.</summary>
    public string? Store { get; init; }

    public string? Key { get; init; }

    public long? Size { get; init; }

    public string? Sha256 { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }
}
