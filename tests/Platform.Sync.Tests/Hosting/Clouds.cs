using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Storage.Configuration;
using Platform.Testing;

namespace Platform.Sync.Tests.Hosting;

/// <summary>
/// Three simulated clouds on their real emulators (moto_server, the GCS emulator, Azurite) and a private RabbitMQ node, and
/// the Storage:Stores settings that name them: aws, gcp and azure, each in its own cloud.
/// </summary>
public sealed class Clouds : IAsyncDisposable
{
    public const string Bucket = "sync-tests";

    private readonly List<IAsyncDisposable> _running = [];

    public LocalRabbitMq Broker { get; private set; } = null!;

    public Dictionary<string, string?> StoreSettings { get; } = new();

    public static async Task<Clouds> StartAsync()
    {
        var clouds = new Clouds();
        try
        {
            var s3 = clouds.Track(await LocalEmulators.StartS3Async());
            var gcs = clouds.Track(await LocalEmulators.StartGcsAsync());
            var azurite = clouds.Track(await LocalEmulators.StartAzuriteAsync());
            clouds.Broker = clouds.Track(await LocalRabbitMq.StartNewAsync());
            clouds.Add("aws", new() { ["Provider"] = "S3", ["Bucket"] = Bucket, ["Endpoint"] = s3.Endpoint, ["AccessKey"] = "test", ["SecretKey"] = "test" });
            clouds.Add("gcp", new() { ["Provider"] = "Gcs", ["Bucket"] = Bucket, ["Endpoint"] = gcs.Endpoint });
            clouds.Add("azure", new() { ["Provider"] = "AzureBlob", ["Container"] = Bucket, ["ConnectionString"] = LocalEmulators.AzuriteConnectionString(azurite.Endpoint) });
            return clouds;
        }
        catch
        {
            await clouds.DisposeAsync();
            throw;
        }
    }

    /// <summary>The three stores as a service sees them, buckets and containers created.</summary>
    public async Task<ServiceProvider> OpenStoresAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(StoreSettings).Build();
        var services = new ServiceCollection().AddLogging().AddObjectStores(configuration).BuildServiceProvider();
        foreach (var hosted in services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }
        return services;
    }

    private void Add(string cloud, Dictionary<string, string> settings)
    {
        settings["Cloud"] = cloud;
        settings["CreateIfMissing"] = "true";
        foreach (var (name, value) in settings)
        {
            StoreSettings[$"Storage:Stores:{cloud}:{name}"] = value;
        }
    }

    private T Track<T>(T running) where T : IAsyncDisposable
    {
        _running.Add(running);
        return running;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var running in Enumerable.Reverse(_running))
        {
            await running.DisposeAsync();
        }
    }
}
