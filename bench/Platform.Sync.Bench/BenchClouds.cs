using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Storage;
using Platform.Storage.Configuration;
using Platform.Testing;

namespace Platform.Sync.Bench;

/// <summary>
/// The pair of emulators both contenders copy between, moto_server (S3, store "aws") and Azurite (store "azure"), and a
/// private RabbitMQ node for the worker's events. Each runs as a child process on free loopback ports.
/// </summary>
public sealed class BenchClouds : IAsyncDisposable
{
    public const string Bucket = "sync-bench";
    public const string SourceStoreName = "aws";
    public const string DestinationStoreName = "azure";

    private readonly List<IAsyncDisposable> _running = [];
    private ServiceProvider? _services;

    private BenchClouds()
    {
    }

    public LocalRabbitMq Broker { get; private set; } = null!;

    /// <summary>moto, Azurite and RabbitMQ by role, for their CPU time.</summary>
    public IReadOnlyDictionary<string, int> Servers { get; private set; } = new Dictionary<string, int>();

    public string S3Endpoint { get; private set; } = "";

    public string AzuriteConnectionString { get; private set; } = "";

    /// <summary>Storage:Stores settings naming both stores, as the worker and this process configure them.</summary>
    public Dictionary<string, string?> StoreSettings { get; } = new();

    public IObjectStore Source => Stores.Get(SourceStoreName);

    public IObjectStore Destination => Stores.Get(DestinationStoreName);

    private ObjectStores Stores => _services!.GetRequiredService<ObjectStores>();

    public static async Task<BenchClouds> StartAsync()
    {
        var clouds = new BenchClouds();
        try
        {
            var s3 = clouds.Track(await LocalEmulators.StartS3Async());
            var azurite = clouds.Track(await LocalEmulators.StartAzuriteAsync());
            clouds.Broker = clouds.Track(await LocalRabbitMq.StartNewAsync());
            clouds.S3Endpoint = s3.Endpoint;
            clouds.AzuriteConnectionString = LocalEmulators.AzuriteConnectionString(azurite.Endpoint);
            clouds.Add(SourceStoreName, new() { ["Provider"] = "S3", ["Bucket"] = Bucket, ["Endpoint"] = s3.Endpoint, ["AccessKey"] = "test", ["SecretKey"] = "test" });
            clouds.Add(DestinationStoreName, new() { ["Provider"] = "AzureBlob", ["Container"] = Bucket, ["ConnectionString"] = clouds.AzuriteConnectionString });
            clouds._services = new ServiceCollection().AddLogging()
                .AddObjectStores(new ConfigurationBuilder().AddInMemoryCollection(clouds.StoreSettings).Build())
                .BuildServiceProvider();
            // Creates the bucket and the container.
            foreach (var hosted in clouds._services.GetServices<IHostedService>())
            {
                await hosted.StartAsync(CancellationToken.None);
            }
            clouds.Servers = ProcessCpu.Servers();
            return clouds;
        }
        catch
        {
            await clouds.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A container SAS URL for rclone: rclone 1.60 (Debian 12) builds an account-key endpoint as https://account.endpoint,
    /// which cannot name Azurite on a loopback port, but it takes a SAS URL as is.
    /// </summary>
    public Uri DestinationSasUrl(TimeSpan validFor) =>
        new BlobContainerClient(AzuriteConnectionString, Bucket).GenerateSasUri(BlobContainerSasPermissions.All, DateTimeOffset.UtcNow + validFor);

    private void Add(string name, Dictionary<string, string> settings)
    {
        settings["Cloud"] = name;
        settings["CreateIfMissing"] = "true";
        foreach (var (setting, value) in settings)
        {
            StoreSettings[$"Storage:Stores:{name}:{setting}"] = value;
        }
    }

    private T Track<T>(T running) where T : IAsyncDisposable
    {
        _running.Add(running);
        return running;
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
        foreach (var running in Enumerable.Reverse(_running))
        {
            await running.DisposeAsync();
        }
    }
}
