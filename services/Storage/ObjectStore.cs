using System.Runtime.CompilerServices;

namespace Platform.Storage;

/// <summary>
/// The part every provider shares: argument and key checks, metadata rules, and verified reads. Providers implement the
/// <c>...CoreAsync</c> methods and only ever see valid keys.
/// </summary>
public abstract class ObjectStore(string name, string cloud) : IObjectStore
{
    /// <summary>Objects up to this size go up in one request with their hash known in advance; larger ones are staged.</summary>
    public const int DefaultSmallObjectThreshold = 8 * 1024 * 1024;

    public string Name { get; } = name;

    public string Cloud { get; } = cloud;

    public abstract ObjectStoreProvider Provider { get; }

    /// <summary>By default, the capability interfaces the store implements; a store overrides it when an ability also
    /// depends on its configuration (an Azure store signed in without an account key cannot issue SAS URLs).</summary>
    public virtual StoreCapabilities Capabilities =>
        (this is IServerSideCopy ? StoreCapabilities.ServerSideCopy : StoreCapabilities.None)
        | (this is IPresignedUrls ? StoreCapabilities.PresignedUrls : StoreCapabilities.None);

    public Task<ObjectInfo> PutAsync(string key, Stream content, PutOptions? options = null, CancellationToken cancellationToken = default)
    {
        ObjectKey.Validate(key);
        ArgumentNullException.ThrowIfNull(content);
        options ??= PutOptions.Default;
        ValidatePutOptions(options);
        return Translated("put", key, () => PutCoreAsync(key, content, options, cancellationToken));
    }

    public async Task<ObjectReadStream> OpenReadAsync(string key, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ObjectKey.Validate(key);
        options ??= ReadOptions.Default;
        options.Range?.Validate();
        if (options.VerifySha256 && options.Range is not null)
        {
            throw new ArgumentException("Only whole-object reads can be verified against the object's SHA-256.", nameof(options));
        }
        if (options.Range is { Length: 0 })
        {
            // No backend accepts an empty HTTP range; the answer is known without reading.
            var info = await GetInfoAsync(key, cancellationToken) ?? throw new ObjectNotFoundException(Name, key);
            return new ObjectReadStream(Name, info, Stream.Null, verify: false);
        }
        return await Translated("read", key, () => OpenReadCoreAsync(key, options, cancellationToken));
    }

    public Task<ObjectInfo?> GetInfoAsync(string key, CancellationToken cancellationToken = default)
    {
        ObjectKey.Validate(key);
        return Translated("describe", key, () => GetInfoCoreAsync(key, cancellationToken));
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        await using var items = ListCoreAsync(prefix, cancellationToken).GetAsyncEnumerator(cancellationToken);
        // A yield cannot sit inside a try with a catch, so each step is translated on its own.
        while (await Translated("list", prefix, async () => await items.MoveNextAsync()))
        {
            if (!items.Current.Key.StartsWith(ObjectKey.ReservedPrefix, StringComparison.Ordinal))
            {
                yield return items.Current;
            }
        }
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        ObjectKey.Validate(key);
        return Translated("delete", key, () => DeleteCoreAsync(key, cancellationToken));
    }

    /// <summary>
    /// Turns a provider's own exception (AmazonS3Exception, GoogleApiException, RequestFailedException, ...) that the
    /// provider did not map to a specific <see cref="ObjectStoreException"/> into a plain one, so no SDK type crosses the
    /// interface. Returns null for exceptions that are not the provider's (they pass through unchanged).
    /// </summary>
    protected virtual ObjectStoreException? TranslateProviderException(Exception exception, string operation, string key) => null;

    protected async Task<T> Translated<T>(string operation, string key, Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception exception) when (exception is not ObjectStoreException && TranslateProviderException(exception, operation, key) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>Creates the bucket, container or folder when it does not exist yet (local emulators, first runs).</summary>
    public abstract Task EnsureCreatedAsync(CancellationToken cancellationToken = default);

    protected abstract Task<ObjectInfo> PutCoreAsync(string key, Stream content, PutOptions options, CancellationToken cancellationToken);

    protected abstract Task<ObjectReadStream> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken);

    protected abstract Task<ObjectInfo?> GetInfoCoreAsync(string key, CancellationToken cancellationToken);

    /// <summary>Lists keys starting with <paramref name="prefix"/> in ordinal key order; staging keys are filtered out by the caller.</summary>
    protected abstract IAsyncEnumerable<ObjectInfo> ListCoreAsync(string prefix, CancellationToken cancellationToken);

    protected abstract Task<bool> DeleteCoreAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// The common start of an <see cref="IServerSideCopy.CopyAsync"/>: checks both keys and the options, finds the source,
    /// and returns the metadata the copy carries (the caller's, else the source's), always with the source's hash.
    /// </summary>
    protected async Task<(ObjectInfo Source, Dictionary<string, string> Metadata, PutOptions Options)> PrepareCopyAsync(
        string sourceKey, string destinationKey, PutOptions? options, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(sourceKey);
        ObjectKey.Validate(destinationKey);
        options ??= PutOptions.Default;
        ValidatePutOptions(options);
        var source = await GetInfoCoreAsync(sourceKey, cancellationToken) ?? throw new ObjectNotFoundException(Name, sourceKey);
        if (options.ExpectedSha256 is { } expected && !string.Equals(Sha256Hex.Normalize(expected), source.Sha256, StringComparison.Ordinal))
        {
            throw new ObjectIntegrityException(Name, sourceKey, expected, source.Sha256 ?? "(none recorded)");
        }
        var metadata = new Dictionary<string, string>(options.Metadata ?? source.Metadata, StringComparer.Ordinal);
        if (source.Sha256 is { } sha256)
        {
            metadata[Sha256Hex.MetadataName] = sha256;
        }
        return (source, metadata, options);
    }

    /// <summary>The user metadata to store with an object: the caller's, plus <c>sha256</c>.</summary>
    protected static Dictionary<string, string> MetadataWithHash(PutOptions options, string sha256)
    {
        var metadata = options.Metadata is null
            ? new Dictionary<string, string>(StringComparer.Ordinal)
            : new Dictionary<string, string>(options.Metadata, StringComparer.Ordinal);
        metadata[Sha256Hex.MetadataName] = sha256;
        return metadata;
    }

    /// <summary>Splits stored user metadata into the hash and the rest.</summary>
    protected static (string? Sha256, IReadOnlyDictionary<string, string> Metadata) SplitMetadata(IDictionary<string, string>? stored)
    {
        if (stored is null || stored.Count == 0)
        {
            return (null, ObjectInfo.EmptyMetadata);
        }
        string? sha256 = null;
        var rest = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in stored)
        {
            var normalized = name.ToLowerInvariant();
            if (normalized == Sha256Hex.MetadataName)
            {
                sha256 = value;
            }
            else
            {
                rest[normalized] = value;
            }
        }
        return (sha256, rest);
    }

    /// <summary>Checks the options of a put (or a copy): the expected hash's format and the metadata names and values.</summary>
    protected static void ValidatePutOptions(PutOptions options)
    {
        if (options.ExpectedSha256 is { } expected && !Sha256Hex.IsValid(Sha256Hex.Normalize(expected)))
        {
            throw new ArgumentException("ExpectedSha256 must be 64 hexadecimal characters.", nameof(options));
        }
        if (options.Metadata is null)
        {
            return;
        }
        foreach (var (name, value) in options.Metadata)
        {
            if (name == Sha256Hex.MetadataName)
            {
                throw new ArgumentException($"Metadata name '{Sha256Hex.MetadataName}' is reserved for the content hash.", nameof(options));
            }
            if (name.Length is 0 or > 64 || name[0] is < 'a' or > 'z' || !name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_'))
            {
                throw new ArgumentException(
                    $"Metadata name '{ObjectKey.Printable(name)}' is invalid: use 1 to 64 lower-case letters, digits and '_', starting with a letter.",
                    nameof(options));
            }
            if (value.Any(c => c is < ' ' or > '~'))
            {
                throw new ArgumentException($"Metadata '{name}' must be printable ASCII.", nameof(options));
            }
        }
    }
}
