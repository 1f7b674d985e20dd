using System.Net.Http.Headers;
using System.Net.Http.Json;
using Platform.Registry.Apis;
using Platform.SampleModels;
using Platform.Sync.Reconciliation;
using Platform.Sync.Tests.Hosting;
using Platform.Testing;

namespace Platform.Sync.Tests;

/// <summary>The three clouds and their workers, plus the real registry (run as a process, home store aws) that they report to and reconcile against.</summary>
public sealed class RegistryFixture : SyncFixture
{
    public const string WriterKey = "writer-key-for-sync-tests";
    public const string ReaderKey = "reader-key-for-sync-tests";

    private readonly string _folder = Directory.CreateTempSubdirectory("platform-sync-registry-").FullName;

    public ServiceProcess Registry { get; private set; } = null!;

    protected override async Task BeforeWorkersStartAsync() =>
        Registry = await ServiceProcess.StartAsync("services/Registry", "Platform.Registry", new Dictionary<string, string?>(Clouds.StoreSettings)
        {
            ["ConnectionStrings:rabbitmq"] = Clouds.Broker.ConnectionString,
            ["ConnectionStrings:registrydb"] = $"Data Source={Path.Combine(_folder, "registry.db")}",
            ["Registry:HomeStore"] = "aws",
            ["Registry:Auth:ApiKeys:ci:Key"] = WriterKey,
            ["Registry:Auth:ApiKeys:sync:Key"] = ReaderKey,
            ["Registry:Auth:ApiKeys:sync:Access"] = "Read",
        });

    protected override IEnumerable<KeyValuePair<string, string?>> MoreWorkerSettings() =>
    [
        new("Registry:Url", Registry.BaseAddress.ToString()),
        new("Registry:ApiKey", ReaderKey),
    ];

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            if (Registry is not null)
            {
                await Registry.DisposeAsync();
            }
            Directory.Delete(_folder, recursive: true);
        }
    }
}

public sealed class ReconcilerTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_registered_model_is_replicated_to_every_cloud_and_the_registry_records_each_replica()
    {
        using var registry = fixture.Registry.CreateClient(RegistryFixture.WriterKey);

        var version = await RegisterAsync(registry);

        Assert.Equal(["aws", "azure", "gcp"], version.Replicas.Select(replica => replica.Store));
        Assert.All(version.Replicas, replica => Assert.Equal(version.Sha256, replica.Sha256));
        foreach (var store in new[] { "gcp", "azure" })
        {
            Assert.Equal(version.Sha256, (await fixture.Store(store).GetInfoAsync(version.Key, Cancellation))?.Sha256);
        }
    }

    [Fact]
    public async Task The_reconciler_restores_a_missing_replica_and_replaces_a_corrupt_one()
    {
        using var registry = fixture.Registry.CreateClient(RegistryFixture.WriterKey);
        var version = await RegisterAsync(registry);
        await fixture.Store("azure").DeleteAsync(version.Key, Cancellation);
        await fixture.Store("gcp").PutAsync(version.Key, new MemoryStream([1, 2, 3]), cancellationToken: Cancellation);

        var azure = Assert.Single((await fixture.ReconcileAsync("azure")).Stores);
        var gcp = Assert.Single((await fixture.ReconcileAsync("gcp")).Stores);

        Assert.True(azure.Missing >= 1 && azure.Repaired >= 1, $"azure: {azure.Missing} missing, {azure.Repaired} repaired");
        Assert.True(gcp.Corrupt >= 1 && gcp.Repaired >= 1, $"gcp: {gcp.Corrupt} corrupt, {gcp.Repaired} repaired");
        Assert.Empty(azure.Failures);
        Assert.Empty(gcp.Failures);
        Assert.Equal(version.Sha256, (await fixture.Store("azure").GetInfoAsync(version.Key, Cancellation))?.Sha256);
        Assert.Equal(version.Sha256, (await fixture.Store("gcp").GetInfoAsync(version.Key, Cancellation))?.Sha256);
        var again = Assert.Single((await fixture.ReconcileAsync("gcp")).Stores);
        Assert.Equal((0, 0), (again.Missing, again.Corrupt));
    }

    /// <summary>Registers a small MLP as a new model and waits until the registry records a replica in every cloud.</summary>
    private static async Task<VersionResponse> RegisterAsync(HttpClient registry)
    {
        var name = "sync-" + Guid.NewGuid().ToString("n")[..12];
        (await registry.PostAsJsonAsync("/api/models", new CreateModelRequest(name, null, null, null), Cancellation)).EnsureSuccessStatusCode();
        using var artifact = new ByteArrayContent(SampleModels.SampleModels.Mlp(8, [16], 3));
        artifact.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        (await registry.PostAsync($"/api/models/{name}/versions", artifact, Cancellation)).EnsureSuccessStatusCode();

        using var deadline = new CancellationTokenSource(Patience);
        while (true)
        {
            var version = (await registry.GetFromJsonAsync<VersionResponse>($"/api/models/{name}/versions/1", Cancellation))!;
            if (version.Replicas.Count == 3)
            {
                return version;
            }
            await Task.Delay(200, deadline.Token);
        }
    }
}
