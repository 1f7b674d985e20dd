using System.Net.Http.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Contracts.Storage;
using Platform.Storage;
using Platform.Storage.Configuration;
using Platform.Sync.Reconciliation;
using Platform.Testing;

namespace Platform.Sync.Tests.Hosting;

/// <summary>
/// Three clouds and one sync worker per cloud, in-process, with fast retries; a bus observer records what the workers report.
/// The workers' data sync rules: <c>aws:datasets/ → gcp</c> (copy) and <c>aws:mirror/ → azure</c> (mirror, at most 3 deletes).
/// </summary>
public class SyncFixture : IAsyncLifetime
{
    public static readonly string[] CloudNames = ["aws", "gcp", "azure"];

    public const int MirrorMaxDeletes = 3;

    /// <summary>The key every worker's <c>POST /api/reconcile</c> takes.</summary>
    public const string ApiKey = "sync-key-for-tests";

    public Clouds Clouds { get; private set; } = null!;

    public Dictionary<string, InProcessServer> Workers { get; } = new();

    public BusObserver Observer { get; private set; } = null!;

    /// <summary>The same stores the workers use, for the tests to put, read and corrupt objects.</summary>
    public ObjectStores Stores => Workers["aws"].Services.GetRequiredService<ObjectStores>();

    public IObjectStore Store(string name) => Stores.Get(name);

    public virtual async ValueTask InitializeAsync()
    {
        Clouds = await Clouds.StartAsync();
        Observer = await BusObserver.StartAsync(Clouds.Broker.ConnectionString, "sync-tests-observer", (endpoint, observer) =>
        {
            endpoint.Handler<ArtifactReplicated>(observer.Record);
            endpoint.Handler<ArtifactReplicationFailed>(observer.Record);
        });
        await BeforeWorkersStartAsync();
        foreach (var cloud in CloudNames)
        {
            Workers[cloud] = await SyncServer.StartAsync(WorkerSettings(cloud));
        }
        // The bus starts in the background: until a worker's queues are declared and bound, what is published to them is dropped.
        foreach (var worker in Workers.Values)
        {
            using var client = worker.CreateClient();
            await ServiceHealth.WaitAsync(client, TimeSpan.FromSeconds(60));
        }
    }

    /// <summary>Asks a worker to reconcile now, as an operator would: with the worker's key, or with <paramref name="key"/> (none when null).</summary>
    public async Task<HttpResponseMessage> PostReconcileAsync(string cloud, string? key = ApiKey)
    {
        using var client = Workers[cloud].CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reconcile");
        if (key is not null)
        {
            request.Headers.Add(ApiKeys.Header, key);
        }
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async Task<ReconcileReport> ReconcileAsync(string cloud)
    {
        using var response = await PostReconcileAsync(cloud);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ReconcileReport>(TestContext.Current.CancellationToken))!;
    }

    /// <summary>Starts what the workers need besides the clouds (a registry, say).</summary>
    protected virtual Task BeforeWorkersStartAsync() => Task.CompletedTask;

    protected virtual IEnumerable<KeyValuePair<string, string?>> MoreWorkerSettings() => [];

    public Dictionary<string, string?> WorkerSettings(string cloud)
    {
        var settings = new Dictionary<string, string?>(Clouds.StoreSettings)
        {
            ["ConnectionStrings:rabbitmq"] = Clouds.Broker.ConnectionString,
            ["Sync:Cloud"] = cloud,
            ["Sync:ApiKey"] = ApiKey,
            ["Sync:RetryLimit"] = "2",
            ["Sync:RetryMinDelay"] = "00:00:00.050",
            ["Sync:RetryMaxDelay"] = "00:00:00.200",
            ["Sync:RedeliveryLimit"] = "1",
            ["Sync:RedeliveryDelay"] = "00:00:02",
            ["Sync:ReconcileInterval"] = "01:00:00",
            ["Sync:Rules:0:Source"] = "aws",
            ["Sync:Rules:0:Prefix"] = "datasets/",
            ["Sync:Rules:0:Destinations:0"] = "gcp",
            ["Sync:Rules:1:Source"] = "aws",
            ["Sync:Rules:1:Prefix"] = "mirror/",
            ["Sync:Rules:1:Destinations:0"] = "azure",
            ["Sync:Rules:1:Mode"] = "Mirror",
            ["Sync:Rules:1:MaxDeletes"] = MirrorMaxDeletes.ToString(),
            // A store no server answers at, to make copies fail the way an outage does.
            ["Storage:Stores:down:Provider"] = "S3",
            ["Storage:Stores:down:Bucket"] = Clouds.Bucket,
            ["Storage:Stores:down:Endpoint"] = "http://127.0.0.1:9",
            ["Storage:Stores:down:AccessKey"] = "test",
            ["Storage:Stores:down:SecretKey"] = "test",
            ["Storage:Stores:down:Cloud"] = "offline",
        };
        foreach (var (key, value) in MoreWorkerSettings())
        {
            settings[key] = value;
        }
        return settings;
    }

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var worker in Workers.Values)
        {
            await worker.DisposeAsync();
        }
        if (Observer is not null)
        {
            await Observer.DisposeAsync();
        }
        if (Clouds is not null)
        {
            await Clouds.DisposeAsync();
        }
    }
}
