using Google.Cloud.Storage.V1;
using Platform.Storage.Configuration;
using Platform.Storage.Providers.Gcs;
using Platform.Storage.Tests.Conformance;
using Platform.Testing;
using GcsObject = Google.Apis.Storage.v1.Data.Object;

namespace Platform.Storage.Tests.Providers;

/// <summary>A bucket on the project's GCS emulator, run as its own process once for the test class.</summary>
public sealed class GcsStoreFixture : IObjectStoreFixture
{
    private const string Bucket = "conformance";
    private RunningEmulator? _emulator;

    public ObjectStore Store { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _emulator = await LocalEmulators.StartGcsAsync();
        Store = new GcsObjectStore("gcp", new ObjectStoreOptions
        {
            Provider = ObjectStoreProvider.Gcs,
            Bucket = Bucket,
            Endpoint = _emulator.Endpoint,
            SmallObjectThreshold = ObjectStoreConformanceTests<GcsStoreFixture>.SmallObjectThreshold,
        });
        await Store.EnsureCreatedAsync();
    }

    public async Task CorruptAsync(string key, CancellationToken cancellationToken)
    {
        using var client = new StorageClientBuilder { BaseUri = _emulator!.Endpoint + "/storage/v1/", UnauthenticatedAccess = true }.Build();
        var original = await client.GetObjectAsync(Bucket, key, cancellationToken: cancellationToken);
        await client.UploadObjectAsync(
            new GcsObject { Bucket = Bucket, Name = key, Metadata = original.Metadata },
            new MemoryStream(new byte[(long)original.Size!.Value]),
            cancellationToken: cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        (Store as IDisposable)?.Dispose();
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }
    }
}

public sealed class GcsConformanceTests(GcsStoreFixture fixture) : ObjectStoreConformanceTests<GcsStoreFixture>(fixture);

[Collection(MemorySensitiveCollection.Name)]
public sealed class GcsLargeObjectTests(GcsStoreFixture fixture) : LargeObjectTests<GcsStoreFixture>(fixture);
