using Platform.Storage.Configuration;

namespace Platform.Storage.Providers.AzureBlob;

// PLACEHOLDER: being written by a helper; replaced before commit.
public sealed class AzureBlobObjectStore(string name, ObjectStoreOptions options) : ObjectStore(name, options.DefaultCloud)
{
    public override ObjectStoreProvider Provider => ObjectStoreProvider.AzureBlob;
    public override Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    protected override Task<ObjectInfo> PutCoreAsync(string key, Stream content, PutOptions options, CancellationToken cancellationToken) => throw new NotSupportedException();
    protected override Task<ObjectReadStream> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken) => throw new NotSupportedException();
    protected override Task<ObjectInfo?> GetInfoCoreAsync(string key, CancellationToken cancellationToken) => throw new NotSupportedException();
    protected override IAsyncEnumerable<ObjectInfo> ListCoreAsync(string prefix, CancellationToken cancellationToken) => throw new NotSupportedException();
    protected override Task<bool> DeleteCoreAsync(string key, CancellationToken cancellationToken) => throw new NotSupportedException();
}
