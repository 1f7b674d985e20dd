using Platform.Storage.Providers.AzureBlob;
using Platform.Storage.Providers.FileSystem;
using Platform.Storage.Providers.Gcs;
using Platform.Storage.Providers.S3;

namespace Platform.Storage.Configuration;

public static class ObjectStoreFactory
{
    /// <summary>Creates the store that <paramref name="options"/> describe, after checking them.</summary>
    public static ObjectStore Create(string name, ObjectStoreOptions options)
    {
        var problems = options.Problems(name).ToList();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, problems));
        }
        return options.Provider switch
        {
            ObjectStoreProvider.FileSystem => new FileSystemObjectStore(name, options),
            ObjectStoreProvider.S3 => new S3ObjectStore(name, options),
            ObjectStoreProvider.Gcs => new GcsObjectStore(name, options),
            ObjectStoreProvider.AzureBlob => new AzureBlobObjectStore(name, options),
            _ => throw new InvalidOperationException($"Storage:Stores:{name}:Provider '{options.Provider}' is not supported."),
        };
    }
}
