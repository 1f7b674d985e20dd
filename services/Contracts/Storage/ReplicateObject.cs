namespace Platform.Contracts.Storage;

/// <summary>
/// A command to copy one object from a store to others: for ad-hoc and bulk copies that no registry event announces.
/// Every cloud's sync worker receives it and copies into those of <see cref="TargetStores"/> that are its own.
/// </summary>
public sealed record ReplicateObject
{
    public required string SourceStore { get; init; }

    public required string Key { get; init; }

    /// <summary>The stores that should hold a copy.</summary>
    public required IReadOnlyList<string> TargetStores { get; init; }

    /// <summary>The SHA-256 the copy must have; null: whatever the source records (its <c>sha256</c> metadata).</summary>
    public string? Sha256 { get; init; }

    public string? Model { get; init; }

    public int? Version { get; init; }

    public required DateTimeOffset RequestedAt { get; init; }
}
