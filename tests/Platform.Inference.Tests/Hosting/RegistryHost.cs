using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Hosting;
using Platform.Registry.Apis;
using Platform.Registry.Extensions;
using Platform.Testing;

namespace Platform.Inference.Tests.Hosting;

/// <summary>
/// The real registry, in process on SQLite, with two FileSystem stores in temp folders: <c>aws</c> (its home, cloud aws) and
/// <c>gcp</c> (cloud gcp). An inference server given <see cref="StoreSettings"/> sees the same stores, as a server in either
/// cloud would: what the registry wrote to <c>aws</c> is there, <c>gcp</c> holds only what a test puts in it.
/// </summary>
public sealed class RegistryHost : IAsyncDisposable
{
    public const string WriterKey = "writer-key-for-inference-tests";
    public const string ReaderKey = "reader-key-for-inference-tests";

    private readonly string _folder;

    private RegistryHost(string folder, InProcessServer server)
    {
        _folder = folder;
        Server = server;
        Writer = server.CreateClient(WriterKey);
    }

    public InProcessServer Server { get; }

    public HttpClient Writer { get; }

    public string StorePath(string store) => Path.Combine(_folder, store);

    /// <param name="broker">A RabbitMQ connection string, so the registry publishes its events; null keeps them in process.</param>
    public static async Task<RegistryHost> StartAsync(string? broker = null)
    {
        var folder = Directory.CreateTempSubdirectory("platform-inference-registry-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["Registry:HomeStore"] = "aws",
            ["Registry:Database:Provider"] = "Sqlite",
            ["ConnectionStrings:registrydb"] = $"Data Source={Path.Combine(folder, "registry.db")}",
            ["ConnectionStrings:rabbitmq"] = broker,
            ["Registry:Auth:ApiKeys:ci:Key"] = WriterKey,
            ["Registry:Auth:ApiKeys:inference:Key"] = ReaderKey,
            ["Registry:Auth:ApiKeys:inference:Access"] = "Read",
            ["Registry:Auth:Jwt:SigningKey"] = "jwt-signing-key-for-inference-tests-0123456789",
            ["Registry:Outbox:PollInterval"] = "00:00:00.200",
        };
        foreach (var (name, value) in StoreSettings(folder))
        {
            settings[name] = value;
        }
        var server = await InProcessServer.StartAsync(typeof(RegistryEndpoints).Assembly.GetName().Name!, settings, "Production",
            builder =>
            {
                builder.AddServiceDefaults();
                builder.AddApplicationServices();
            },
            app => app.MapRegistry());
        return new RegistryHost(folder, server);
    }

    /// <summary>The stores as a service configures them: the same folders the registry writes to.</summary>
    public IEnumerable<KeyValuePair<string, string?>> StoreSettings() => StoreSettings(_folder);

    private static IEnumerable<KeyValuePair<string, string?>> StoreSettings(string folder)
    {
        foreach (var (store, cloud) in new[] { ("aws", "aws"), ("gcp", "gcp") })
        {
            yield return new($"Storage:Stores:{store}:Provider", "FileSystem");
            yield return new($"Storage:Stores:{store}:Path", Path.Combine(folder, store));
            yield return new($"Storage:Stores:{store}:Cloud", cloud);
            yield return new($"Storage:Stores:{store}:CreateIfMissing", "true");
        }
    }

    /// <summary>The settings an inference server needs to resolve through this registry, reading <paramref name="localStore"/> as its own.</summary>
    public Dictionary<string, string?> InferenceSettings(string localStore, string cacheDirectory)
    {
        var settings = StoreSettings().ToDictionary();
        settings["Registry:Url"] = Server.BaseAddress.ToString();
        settings["Registry:ApiKey"] = ReaderKey;
        settings["Inference:LocalStore"] = localStore;
        settings["Inference:CacheDirectory"] = cacheDirectory;
        return settings;
    }

    public static string NewModelName() => "m-" + Guid.NewGuid().ToString("n")[..12];

    public async Task<VersionResponse> RegisterAsync(string model, byte[] onnx)
    {
        var cancellation = TestContext.Current.CancellationToken;
        using (var created = await Writer.PostAsJsonAsync("/api/models", new CreateModelRequest(model, "test", null, null), OipClient.Json, cancellation))
        {
            Assert.True(created.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, await created.Content.ReadAsStringAsync(cancellation));
        }
        var content = new ByteArrayContent(onnx);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await Writer.PostAsync($"/api/models/{model}/versions", content, cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(cancellation));
        return (await response.Content.ReadFromJsonAsync<VersionResponse>(OipClient.Json, cancellation))!;
    }

    public async Task SetAliasAsync(string model, string alias, int version)
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var response = await Writer.PutAsJsonAsync($"/api/models/{model}/aliases/{alias}", new SetAliasRequest(version), OipClient.Json, cancellation);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(cancellation));
    }

    public async ValueTask DisposeAsync()
    {
        Writer.Dispose();
        await Server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>One registry per test class.</summary>
public sealed class RegistryFixture : IAsyncLifetime
{
    public RegistryHost Registry { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Registry = await RegistryHost.StartAsync();

    public ValueTask DisposeAsync() => Registry.DisposeAsync();
}
