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

    /// <summary>A store on the same server whose bucket was never created.</summary>
    public ObjectStore StoreWithoutBucket() => new S3ObjectStore("aws-missing", new ObjectStoreOptions
    {
        Provider = ObjectStoreProvider.S3,
        Bucket = "never-created",
        Endpoint = _moto!.Endpoint,
        AccessKey = "test",
        SecretKey = "test",
    });

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

[Collection(MemorySensitiveCollection.Name)]
public sealed class S3LargeObjectTests(S3StoreFixture fixture) : LargeObjectTests<S3StoreFixture>(fixture);

public sealed class S3StoreTests(S3StoreFixture fixture) : IClassFixture<S3StoreFixture>
{
    [Fact]
    public async Task A_service_error_surfaces_as_an_object_store_exception_not_an_sdk_type()
    {
        var store = fixture.StoreWithoutBucket();

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() =>
            store.PutAsync("key.bin", new MemoryStream([1]), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("NoSuchBucket", error.Message);
        Assert.IsType<AmazonS3Exception>(error.InnerException);
    }
}
