using System.Net.Http.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Registry.Apis;
using Platform.Registry.Extensions;
using Platform.Testing;

namespace Platform.Registry.Bench;

/// <summary>
/// The real registry (the same services and routes as Program.cs) on a free loopback port, with a SQLite database and a
/// FileSystem home store in a temp folder, and one write and one read API key.
/// </summary>
public sealed class BenchRegistry : IAsyncDisposable
{
    public const string WriterKey = "bench-writer-key";
    public const string ReaderKey = "bench-reader-key";
    public const string ApiKeyHeader = "X-Api-Key";

    private readonly InProcessServer _server;
    private readonly string _folder;

    private BenchRegistry(InProcessServer server, string folder)
    {
        _server = server;
        _folder = folder;
    }

    public Uri BaseAddress => _server.BaseAddress;

    /// <summary>Where the home store keeps its objects.</summary>
    public string StorePath => Path.Combine(_folder, "store");

    public static async Task<BenchRegistry> StartAsync(long maxArtifactBytes)
    {
        var folder = Directory.CreateTempSubdirectory("platform-registry-bench-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["Registry:HomeStore"] = "home",
            ["Registry:MaxArtifactBytes"] = maxArtifactBytes.ToString(),
            ["Registry:ScratchPath"] = Directory.CreateDirectory(Path.Combine(folder, "scratch")).FullName,
            ["Registry:Database:Provider"] = "Sqlite",
            ["ConnectionStrings:registrydb"] = $"Data Source={Path.Combine(folder, "registry.db")}",
            ["Storage:Stores:home:Provider"] = "FileSystem",
            ["Storage:Stores:home:Path"] = Path.Combine(folder, "store"),
            ["Storage:Stores:home:Cloud"] = "local",
            ["Storage:Stores:home:CreateIfMissing"] = "true",
            ["Registry:Auth:ApiKeys:bench:Key"] = WriterKey,
            ["Registry:Auth:ApiKeys:reader:Key"] = ReaderKey,
            ["Registry:Auth:ApiKeys:reader:Access"] = "Read",
        };
        // Production: reads need a key too, and no developer-only routes.
        var server = await InProcessServer.StartAsync(typeof(RegistryEndpoints).Assembly.GetName().Name!, settings, Environments.Production,
            builder =>
            {
                builder.AddServiceDefaults();
                builder.AddApplicationServices();
            },
            app => app.MapRegistry(),
            logging => logging.SetMinimumLevel(LogLevel.Error));
        return new BenchRegistry(server, folder);
    }

    public HttpClient CreateClient(string apiKey) => _server.CreateClient(apiKey);

    /// <summary>Creates the model, registers <paramref name="artifactPath"/> as its first version and points <paramref name="alias"/> at it.</summary>
    public async Task SeedAsync(string model, string alias, string artifactPath)
    {
        using var writer = CreateClient(WriterKey);
        (await writer.PostAsJsonAsync("/api/models", new { name = model, description = "Load-test model", tags = new[] { "bench" } }))
            .EnsureSuccessStatusCode();
        await using var artifact = File.OpenRead(artifactPath);
        using var body = new StreamContent(artifact);
        body.Headers.ContentType = new("application/octet-stream");
        (await writer.PostAsync($"/api/models/{model}/versions", body)).EnsureSuccessStatusCode();
        (await writer.PutAsJsonAsync($"/api/models/{model}/aliases/{alias}", new { version = 1 })).EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        // Pooled connections keep the database file open; close them before deleting it.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
