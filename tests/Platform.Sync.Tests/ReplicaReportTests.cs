using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts.Storage;
using Platform.Storage;
using Platform.Storage.Configuration;
using Platform.Sync.Tests.Hosting;
using Platform.Testing;

namespace Platform.Sync.Tests;

/// <summary>
/// Its own clouds and broker, on which no queue takes <c>ArtifactReplicated</c> until the test binds one: a broker that is new,
/// with the registry not subscribed yet.
/// </summary>
public sealed class ReplicaReportTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_copy_reported_before_the_registry_subscribed_is_reported_again_until_a_queue_takes_it()
    {
        await using var clouds = await Clouds.StartAsync();
        await using var publisher = await BusObserver.StartAsync(clouds.Broker.ConnectionString, "report-tests-publisher",
            (endpoint, observer) => endpoint.Handler<ArtifactReplicationFailed>(observer.Record));
        await using var worker = await SyncServer.StartAsync(new Dictionary<string, string?>(clouds.StoreSettings)
        {
            ["ConnectionStrings:rabbitmq"] = clouds.Broker.ConnectionString,
            ["Sync:Cloud"] = "gcp",
        });
        using (var client = worker.CreateClient())
        {
            await ServiceHealth.WaitAsync(client, TimeSpan.FromSeconds(60));
        }
        var stores = worker.Services.GetRequiredService<ObjectStores>();
        var key = $"models/report-{Guid.NewGuid():n}/1/model.onnx";
        var stored = await stores.Get("aws").PutAsync(key, new MemoryStream(new byte[4096]), cancellationToken: Cancellation);

        await publisher.Publisher.Publish(new ArtifactStored
        {
            Store = "aws", Key = key, Size = stored.Size, Sha256 = stored.Sha256!, TargetStores = ["gcp"], OccurredAt = DateTimeOffset.UtcNow,
        }, Cancellation);
        // The copy is made, and its first report goes out to a broker where no queue is bound to it.
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation))
        {
            deadline.CancelAfter(Patience);
            while (await stores.Get("gcp").GetInfoAsync(key, deadline.Token) is null)
            {
                await Task.Delay(100, deadline.Token);
            }
        }
        await using var registry = await BusObserver.StartAsync(clouds.Broker.ConnectionString, "report-tests-registry",
            (endpoint, observer) => endpoint.Handler<ArtifactReplicated>(observer.Record));

        var report = await registry.WaitForAsync<ArtifactReplicated>(e => e.Key == key && e.Store == "gcp", Patience);
        Assert.Equal(stored.Sha256, report.Sha256);
    }
}
