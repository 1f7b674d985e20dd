namespace Platform.Storage;

/// <summary>Optional abilities of a store. Each flag has an interface the store then implements.</summary>
[Flags]
public enum StoreCapabilities
{
    None = 0,

    /// <summary>The store implements <see cref="IServerSideCopy"/>: copies within the store move no bytes through the caller.</summary>
    ServerSideCopy = 1,

    /// <summary>The store implements <see cref="IPresignedUrls"/>.</summary>
    PresignedUrls = 2,
}

/// <summary>Copies an object to another key of the same store without streaming it through this process.</summary>
public interface IServerSideCopy
{
    /// <summary>Copies <paramref name="sourceKey"/> to <paramref name="destinationKey"/>, keeping its SHA-256.</summary>
    Task<ObjectInfo> CopyAsync(string sourceKey, string destinationKey, PutOptions? options = null, CancellationToken cancellationToken = default);
}

/// <summary>Issues time-limited URLs that let a client without credentials read one object.</summary>
public interface IPresignedUrls
{
    Uri GetPresignedReadUrl(string key, TimeSpan validFor);
}
