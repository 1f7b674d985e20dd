namespace Platform.Sync.Services;

public enum ReplicationFailureKind
{
    /// <summary>A different object (or one of unknown content) already holds the key in the destination. Never overwritten.</summary>
    Conflict,

    /// <summary>The source store has no object under the key.</summary>
    SourceMissing,

    /// <summary>The source's bytes or recorded hash are not what the copy must have.</summary>
    SourceCorrupt,

    /// <summary>Anything else (a store unreachable, a timeout): worth retrying.</summary>
    Error,
}

/// <summary>Why a copy did not happen. Only <see cref="ReplicationFailureKind.Error"/> is worth retrying.</summary>
public sealed class ReplicationFailure(ReplicationFailureKind kind, string reason, Exception? innerException = null)
    : Exception(reason, innerException)
{
    public ReplicationFailureKind Kind { get; } = kind;

    public bool Retryable => Kind == ReplicationFailureKind.Error;
}
