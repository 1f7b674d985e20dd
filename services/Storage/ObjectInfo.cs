namespace Platform.Storage;

/// <summary>What a store knows of one object.</summary>
public sealed record ObjectInfo
{
    public required string Key { get; init; }

    public required long Size { get; init; }

    /// <summary>Lower-case hex SHA-256 of the content, from the object's <c>sha256</c> user metadata; null for objects
    /// written by something other than Platform.Storage.</summary>
    public string? Sha256 { get; init; }

    public DateTimeOffset? LastModified { get; init; }

    public string? ContentType { get; init; }

    /// <summary>User metadata other than <c>sha256</c>.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata;

    internal static readonly IReadOnlyDictionary<string, string> EmptyMetadata = new Dictionary<string, string>();
}
