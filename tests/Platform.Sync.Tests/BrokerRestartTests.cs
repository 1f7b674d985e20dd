using Platform.Contracts.Storage;
using Platform.Storage;
using Platform.Sync.Tests.Hosting;

namespace Platform.Sync.Tests;

/// <summary>Its own clouds and broker, because it stops the broker.</summary>
public sealed class BrokerRestartFixture : SyncFixture;

public sealed class BrokerRestartTests(BrokerRestartFixture fixture) : IClassFixture<BrokerRestartFixture>
{
    private const int Events = 500;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Restarting_rabbitmq_during_a_batch_of_500_events_loses_none_of_the_copies()
    {
        var batch = Guid.NewGuid().ToString("n");
        var aws = fixture.Store("aws");
        var stored = new List<ObjectInfo>();
        for (var i = 0; i < Events; i++)
        {
            stored.Add(await aws.PutAsync($"batch/{batch}/{i:D3}.bin", new MemoryStream(BitConverter.GetBytes(i)), cancellationToken: Cancellation));
        }
        foreach (var info in stored)
        {
            await fixture.Observer.Publisher.Publish(new ArtifactStored
            {
                Store = "aws", Key = info.Key, Size = info.Size, Sha256 = info.Sha256!, TargetStores = ["gcp"], OccurredAt = DateTimeOffset.UtcNow,
            }, Cancellation);
        }

        // Mid-batch: some copies are done, most are still queued or in flight.
        await WaitUntilAsync(() => Replicated(batch) >= 50, TimeSpan.FromMinutes(2));
        await fixture.Clouds.Broker.StopAsync();
        await fixture.Clouds.Broker.StartAsync();

        await WaitUntilAsync(() => Replicated(batch) == Events, TimeSpan.FromMinutes(5));
        var gcp = fixture.Store("gcp");
        foreach (var info in stored)
        {
            Assert.Equal(info.Sha256, (await gcp.GetInfoAsync(info.Key, Cancellation))?.Sha256);
        }
    }

    private int Replicated(string batch) =>
        fixture.Observer.All<ArtifactReplicated>().Where(e => e.Key.StartsWith($"batch/{batch}/", StringComparison.Ordinal)).Select(e => e.Key).Distinct().Count();

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!condition())
        {
            await Task.Delay(100, deadline.Token);
        }
    }
}
