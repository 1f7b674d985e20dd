namespace Platform.Storage;

public sealed record PutOptions
{
    public static readonly PutOptions Default = new();

    /// <summary>When false, the put is a conditional create: it throws <see cref="ObjectAlreadyExistsException"/> if the key exists.</summary>
    public bool Overwrite { get; init; } = true;

    public string? ContentType { get; init; }

    /// <summary>When set, the put fails with <see cref="ObjectIntegrityException"/> and leaves nothing behind unless the
    /// streamed content hashes to this value (lower-case hex).</summary>
    public string? ExpectedSha256 { get; init; }

    /// <summary>Extra user metadata. Names are lower-case ASCII letters, digits and '_', starting with a letter (the
    /// intersection of what S3, GCS and Azure accept); <c>sha256</c> is reserved.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
