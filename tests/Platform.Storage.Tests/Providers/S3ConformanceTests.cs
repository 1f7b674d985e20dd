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

    public string ConcurrentCreateCaveat =>
        "moto_server checks If-None-Match and then stores the object without a lock, so under load two create-only writers can " +
        "both win there; S3 decides the condition atomically. The single-writer create-only tests cover this provider's use of it.";

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
            store.PutAsync("key.bin", new MemoryStream([1]), cancellationToken: Cancellation));

        Assert.Contains("NoSuchBucket", error.Message);
        Assert.IsType<AmazonS3Exception>(error.InnerException);
    }

    // Large create-only puts check for the key before staging, so this copy is what shows the publishing Complete's own If-None-Match.
    [Fact]
    public async Task A_create_only_copy_onto_an_existing_key_fails_and_keeps_the_original()
    {
        var prefix = $"s3/{Guid.NewGuid():n}/";
        var original = TestContent.Random(100, seed: 20);
        await fixture.Store.PutAsync(prefix + "taken.bin", new MemoryStream(original), cancellationToken: Cancellation);
        await fixture.Store.PutAsync(prefix + "source.bin", new MemoryStream(TestContent.Random(100, seed: 21)), cancellationToken: Cancellation);

        var error = await Assert.ThrowsAsync<ObjectAlreadyExistsException>(() =>
            ((IServerSideCopy)fixture.Store).CopyAsync(prefix + "source.bin", prefix + "taken.bin", new PutOptions { Overwrite = false }, Cancellation));

        Assert.Equal(prefix + "taken.bin", error.Key);
        Assert.Equal(TestContent.Sha256Of(original), (await fixture.Store.GetInfoAsync(prefix + "taken.bin", Cancellation))?.Sha256);
    }

    [Fact]
    public async Task An_empty_object_copies_with_its_hash()
    {
        var key = $"s3/{Guid.NewGuid():n}/empty.bin";
        await fixture.Store.PutAsync(key, new MemoryStream(), cancellationToken: Cancellation);

        var copy = await ((IServerSideCopy)fixture.Store).CopyAsync(key, key + ".copy", cancellationToken: Cancellation);

        Assert.Equal(0, copy.Size);
        Assert.Equal(TestContent.Sha256Of([]), copy.Sha256);
        await using var read = await fixture.Store.OpenReadAsync(key + ".copy", new ReadOptions { VerifySha256 = true }, Cancellation);
        Assert.Equal(0, await read.ReadAsync(new byte[1], Cancellation));
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;
}
