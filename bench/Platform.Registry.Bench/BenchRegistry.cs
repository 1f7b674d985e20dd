using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Platform.Registry.Apis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Registry.Extensions;

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

    private readonly WebApplication _app;
    private readonly string _folder;

    private BenchRegistry(WebApplication app, string folder, Uri baseAddress)
    {
        _app = app;
        _folder = folder;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>Where the home store keeps its objects.</summary>
    public string StorePath => Path.Combine(_folder, "store");

    public static async Task<BenchRegistry> StartAsync(long maxArtifactBytes)
    {
        var folder = Directory.CreateTempSubdirectory("platform-registry-bench-").FullName;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            // Production: reads need a key too, and no developer-only routes.
            EnvironmentName = Environments.Production,
            // An empty content root, so that no appsettings file applies: the settings below are all there is.
            ContentRootPath = Directory.CreateDirectory(Path.Combine(folder, "content")).FullName,
            ApplicationName = typeof(RegistryEndpoints).Assembly.GetName().Name,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
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
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Error);

        builder.AddServiceDefaults();
        builder.AddApplicationServices();
        var app = builder.Build();
        app.MapRegistry();
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new BenchRegistry(app, folder, new Uri(address));
    }

    public HttpClient CreateClient(string apiKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add(ApiKeyHeader, apiKey);
        return client;
    }

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
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await _app.DisposeAsync();
        // Pooled connections keep the database file open; close them before deleting it.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
