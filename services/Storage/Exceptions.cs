namespace Platform.Storage;

/// <summary>The base of every error a store raises on purpose. Provider SDK exceptions never escape as themselves.</summary>
public class ObjectStoreException(string message, Exception? innerException = null) : Exception(message, innerException);

public sealed class ObjectNotFoundException(string store, string key, Exception? innerException = null)
    : ObjectStoreException($"Object '{key}' does not exist in store '{store}'.", innerException)
{
    public string Store { get; } = store;

    public string Key { get; } = key;
}

public sealed class ObjectAlreadyExistsException(string store, string key, Exception? innerException = null)
    : ObjectStoreException($"Object '{key}' already exists in store '{store}'.", innerException)
{
    public string Store { get; } = store;

    public string Key { get; } = key;
}

/// <summary>Content did not hash to the SHA-256 it should have: corrupted at rest, in transit, or a wrong expectation.</summary>
public sealed class ObjectIntegrityException(string store, string key, string? expectedSha256, string actualSha256)
    : ObjectStoreException($"Object '{key}' in store '{store}' failed its SHA-256 check: expected {expectedSha256 ?? "(none recorded)"}, got {actualSha256}.")
{
    public string Store { get; } = store;

    public string Key { get; } = key;

    public string? ExpectedSha256 { get; } = expectedSha256;

    public string ActualSha256 { get; } = actualSha256;
}

public sealed class InvalidObjectKeyException(string key, string reason)
    : ObjectStoreException($"Invalid object key '{ObjectKey.Printable(key)}': {reason}")
{
    public string Key { get; } = key;

    public string Reason { get; } = reason;
}
