namespace Platform.Storage;

/// <summary>
/// A named object store: a flat namespace of keys holding immutable byte streams, each with its SHA-256.
/// Every provider behaves the same way:
/// <list type="bullet">
/// <item>keys are checked by <see cref="ObjectKey.Validate"/> and a bad key throws <see cref="InvalidObjectKeyException"/>;</item>
/// <item>a missing object: <see cref="GetInfoAsync"/> returns null, <see cref="OpenReadAsync"/> throws
/// <see cref="ObjectNotFoundException"/>, <see cref="DeleteAsync"/> returns false;</item>
/// <item>a put is atomic as readers see it: the old object or the new one, never a partial one;</item>
/// <item>a put with <see cref="PutOptions.Overwrite"/> false throws <see cref="ObjectAlreadyExistsException"/> when the key exists,
/// and of concurrent writers exactly one wins.</item>
/// </list>
/// Optional abilities are separate interfaces (<see cref="IServerSideCopy"/>, <see cref="IPresignedUrls"/>), listed by <see cref="Capabilities"/>.
/// </summary>
public interface IObjectStore
{
    /// <summary>The store's name under <c>Storage:Stores</c>.</summary>
    string Name { get; }

    /// <summary>Which provider serves it.</summary>
    ObjectStoreProvider Provider { get; }

    /// <summary>The cloud the store lives in (aws, gcp, azure, local, ...), used for egress accounting and nearest-replica choice.</summary>
    string Cloud { get; }

    StoreCapabilities Capabilities { get; }

    /// <summary>Streams <paramref name="content"/> to <paramref name="key"/>, computing its SHA-256 on the way.</summary>
    Task<ObjectInfo> PutAsync(string key, Stream content, PutOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Opens the object, or a byte range of it, for reading.</summary>
    Task<ObjectReadStream> OpenReadAsync(string key, ReadOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>The object's size, SHA-256 and metadata, or null when there is no such object.</summary>
    Task<ObjectInfo?> GetInfoAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Every object whose key starts with <paramref name="prefix"/>, in key order; paging is the provider's business.</summary>
    IAsyncEnumerable<ObjectInfo> ListAsync(string prefix = "", CancellationToken cancellationToken = default);

    /// <summary>Deletes the object; false when there was none.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default);
}
