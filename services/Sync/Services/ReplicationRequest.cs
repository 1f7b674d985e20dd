namespace Platform.Sync.Services;

/// <summary>One object to copy from <see cref="SourceStore"/>: what an <c>ArtifactStored</c> event or a <c>ReplicateObject</c> command asks for.</summary>
/// <param name="Sha256">The hash the copy must have; null: whatever the source records.</param>
/// <param name="OccurredAt">When the object was stored or the copy requested, for the replication-lag metric.</param>
public sealed record ReplicationRequest(string SourceStore, string Key, string? Sha256, string? Model, int? Version, DateTimeOffset OccurredAt);

/// <summary>A verified copy in <see cref="Store"/>: copied now, or found already there.</summary>
public sealed record ReplicationResult(string Store, string Key, long Size, string Sha256, bool Copied);
