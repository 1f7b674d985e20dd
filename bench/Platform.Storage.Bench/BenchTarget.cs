using Platform.Storage;
using Platform.Storage.Configuration;
using Platform.Testing;

namespace Platform.Storage.Bench;

/// <summary>One provider on its real local backend, reachable two ways: through Platform.Storage and through the raw SDK.</summary>
public sealed class BenchTarget(ObjectStore store, IRawObjectClient raw, RunningEmulator? emulator, string? folder) : IAsyncDisposable
{
    public const string Bucket = "bench";

    public static readonly string[] Providers = ["S3", "Gcs", "AzureBlob", "FileSystem"];

    public ObjectStore Store { get; } = store;

    public IRawObjectClient Raw { get; } = raw;

    public static async Task<BenchTarget> StartAsync(string provider)
    {
        switch (provider)
        {
            case "S3":
            {
                var emulator = await LocalEmulators.StartS3Async();
                var options = Options(ObjectStoreProvider.S3, emulator.Endpoint);
                options.AccessKey = "bench";
                options.SecretKey = "bench";
                return await CreateAsync(options, new RawS3Client(emulator.Endpoint), emulator, null);
            }
            case "Gcs":
            {
                var emulator = await LocalEmulators.StartGcsAsync();
                return await CreateAsync(Options(ObjectStoreProvider.Gcs, emulator.Endpoint), new RawGcsClient(emulator.Endpoint), emulator, null);
            }
            case "AzureBlob":
            {
                var emulator = await LocalEmulators.StartAzuriteAsync();
                var options = Options(ObjectStoreProvider.AzureBlob, endpoint: null);
                options.ConnectionString = LocalEmulators.AzuriteConnectionString(emulator.Endpoint);
                return await CreateAsync(options, new RawBlobClient(options.ConnectionString), emulator, null);
            }
            case "FileSystem":
            {
                var folder = Directory.CreateTempSubdirectory("platform-bench-fs-").FullName;
                var options = Options(ObjectStoreProvider.FileSystem, endpoint: null);
                options.Path = Path.Combine(folder, "store");
                return await CreateAsync(options, new RawFileClient(Path.Combine(folder, "raw")), null, folder);
            }
            default:
                throw new ArgumentException($"Unknown provider '{provider}'; use one of {string.Join(", ", Providers)}.", nameof(provider));
        }
    }

    private static ObjectStoreOptions Options(ObjectStoreProvider provider, string? endpoint) => new()
    {
        Provider = provider,
        Bucket = Bucket,
        Container = Bucket,
        Endpoint = endpoint,
        Region = "us-east-1",
        ProjectId = "bench",
    };

    private static async Task<BenchTarget> CreateAsync(ObjectStoreOptions options, IRawObjectClient raw, RunningEmulator? emulator, string? folder)
    {
        var store = ObjectStoreFactory.Create("bench", options);
        await store.EnsureCreatedAsync();
        return new BenchTarget(store, raw, emulator, folder);
    }

    public async ValueTask DisposeAsync()
    {
        (Raw as IDisposable)?.Dispose();
        if (emulator is not null)
        {
            await emulator.DisposeAsync();
        }
        if (folder is not null)
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
