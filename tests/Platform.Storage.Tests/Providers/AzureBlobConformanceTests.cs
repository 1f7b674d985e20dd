using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Platform.Storage.Configuration;
using Platform.Storage.Providers.AzureBlob;
using Platform.Storage.Tests.Conformance;
using Platform.Testing;

namespace Platform.Storage.Tests.Providers;

/// <summary>A container on a real Azurite, started once for the test class.</summary>
public sealed class AzureBlobStoreFixture : IObjectStoreFixture
{
    public const string Container = "conformance";

    private RunningEmulator? _azurite;

    public ObjectStore Store { get; private set; } = null!;

    /// <summary>Azurite's blob endpoint, <c>http://127.0.0.1:PORT/devstoreaccount1</c>.</summary>
    public string BlobEndpoint => _azurite!.Endpoint;

    public string ConnectionString => LocalEmulators.AzuriteConnectionString(BlobEndpoint);

    public async ValueTask InitializeAsync()
    {
        _azurite = await LocalEmulators.StartAzuriteAsync();
        Store = new AzureBlobObjectStore("azure", new ObjectStoreOptions
        {
            Provider = ObjectStoreProvider.AzureBlob,
            Container = Container,
            ConnectionString = ConnectionString,
            SmallObjectThreshold = ObjectStoreConformanceTests<AzureBlobStoreFixture>.SmallObjectThreshold,
        });
        await Store.EnsureCreatedAsync();
    }

    public async Task CorruptAsync(string key, CancellationToken cancellationToken)
    {
        var blob = new BlobContainerClient(ConnectionString, Container).GetBlobClient(key);
        var original = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
        await blob.UploadAsync(new MemoryStream(new byte[original.ContentLength]), new BlobUploadOptions { Metadata = original.Metadata }, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}

public sealed class AzureBlobConformanceTests(AzureBlobStoreFixture fixture) : ObjectStoreConformanceTests<AzureBlobStoreFixture>(fixture);

[Collection(MemorySensitiveCollection.Name)]
public sealed class AzureBlobLargeObjectTests(AzureBlobStoreFixture fixture) : LargeObjectTests<AzureBlobStoreFixture>(fixture);
