using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Platform.Storage.Configuration;
using Platform.Storage.Providers.S3;
using Platform.Storage.Tests.Conformance;
using Platform.Testing;

namespace Platform.Storage.Tests.Providers;

/// <summary>A bucket on a real moto_server, started once for the test class.</summary>
public sealed class S3StoreFixture : IObjectStoreFixture
{
    private const string Bucket = "conformance";
    private RunningEmulator? _moto;

    public ObjectStore Store { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _moto = await LocalEmulators.StartS3Async();
        Store = new S3ObjectStore("aws", new ObjectStoreOptions
        {
            Provider = ObjectStoreProvider.S3,
            Bucket = Bucket,
            Endpoint = _moto.Endpoint,
            AccessKey = "test",
            SecretKey = "test",
            SmallObjectThreshold = ObjectStoreConformanceTests<S3StoreFixture>.SmallObjectThreshold,
        });
        await Store.EnsureCreatedAsync();
    }

    public async Task CorruptAsync(string key, CancellationToken cancellationToken)
    {
        using var client = new AmazonS3Client(new BasicAWSCredentials("test", "test"), new AmazonS3Config { ServiceURL = _moto!.Endpoint, ForcePathStyle = true });
        var original = await client.GetObjectMetadataAsync(Bucket, key, cancellationToken);
        var request = new PutObjectRequest { BucketName = Bucket, Key = key, InputStream = new MemoryStream(new byte[original.ContentLength]) };
        request.Metadata.Add(Sha256Hex.MetadataName, original.Metadata[Sha256Hex.MetadataName]);
        await client.PutObjectAsync(request, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        (Store as IDisposable)?.Dispose();
        if (_moto is not null)
        {
            await _moto.DisposeAsync();
        }
    }
}

public sealed class S3ConformanceTests(S3StoreFixture fixture) : ObjectStoreConformanceTests<S3StoreFixture>(fixture);
