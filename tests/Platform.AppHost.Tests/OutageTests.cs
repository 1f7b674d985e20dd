using Aspire.Hosting.Testing;

namespace Platform.AppHost.Tests;

/// <summary>
/// Services stopped and started as an operator does from the dashboard. Every test starts what it stopped and waits until it is
/// healthy again, whatever happened, so the other tests of the shared AppHost find it whole.
/// </summary>
[Collection(nameof(AppHostCollection))]
public sealed class OutageTests(AppHostFixture fixture) : IDisposable
{
    private static readonly TimeSpan ReplicationPatience = TimeSpan.FromSeconds(60);

    private readonly PlatformDriver _platform = new(fixture.App);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_the_preferred_cloud_stops_traffic_moves_to_another_without_a_failed_request_and_comes_back_after_a_restart()
    {
        await _platform.WaitUntilHealthyAsync("inference-aws", "inference-gcp", "inference-azure", "gateway");
        using var gateway = fixture.App.CreateHttpClient("gateway");
        await using var traffic = InferenceTraffic.Start(gateway, "mlp");
        await traffic.WaitForAnswerAsync(answer => answer.Cloud == "aws", "mlp answering from aws, the preferred cloud");
        try
        {
            await _platform.StopAsync("inference-aws");
            await traffic.WaitForAnswerAsync(answer => answer.Cloud is "gcp" or "azure", "mlp answering from another cloud");
        }
        finally
        {
            await _platform.StartAsync("inference-aws");
        }
        await traffic.WaitForAnswerAsync(answer => answer.Cloud == "aws", "mlp answering from aws again");

        var answers = await traffic.StopAsync();
        Assert.All(answers, answer => Assert.True(answer.Succeeded, answer.ToString()));
    }

    [Fact]
    public async Task A_sync_worker_stopped_during_replication_completes_the_replica_after_it_restarts()
    {
        await _platform.WaitUntilHealthyAsync("registry", "sync-aws", "sync-gcp", "sync-azure");
        var gcp = await _platform.OpenStoreAsync("gcp-storage");
        using var gcpClient = gcp as IDisposable;
        string model;
        try
        {
            await _platform.StopAsync("sync-gcp");
            model = await _platform.RegisterModelAsync(SampleModels.SampleModels.Mlp(4, [8], 3, seed: 21));
            var partial = await PlatformDriver.EventuallyAsync(() => _platform.VersionAsync(model, 1), version => version.Clouds.Contains("azure"),
                ReplicationPatience, $"{model}/1 replicated to azure");
            Assert.Equal(["aws", "azure"], partial.Clouds);
            Assert.Null(await gcp.GetInfoAsync(partial.Key, Cancellation));
        }
        finally
        {
            await _platform.StartAsync("sync-gcp");
        }

        var complete = await _platform.WaitForReplicasEverywhereAsync(model, 1, ReplicationPatience);
        Assert.NotNull(await gcp.GetInfoAsync(complete.Replicas.Single(replica => replica.Store == "gcp").Key, Cancellation));
    }

    public void Dispose() => _platform.Dispose();
}
