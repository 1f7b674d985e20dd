using Aspire.Hosting.Testing;

namespace Platform.AppHost.Tests;

/// <summary>A model's life as its users see it: registered, replicated to every cloud, served through the gateway, promoted.</summary>
[Collection(nameof(AppHostCollection))]
public sealed class ModelLifecycleTests(AppHostFixture fixture) : IDisposable
{
    private static readonly byte[] FirstVersion = SampleModels.SampleModels.Mlp(4, [8], 3, seed: 11);
    private static readonly byte[] SecondVersion = SampleModels.SampleModels.Mlp(4, [8], 3, seed: 12);

    private static readonly TimeSpan ReplicationPatience = TimeSpan.FromSeconds(60);

    private readonly PlatformDriver _platform = new(fixture.App);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_registered_model_is_replicated_to_every_cloud_and_answers_correctly_through_the_gateway()
    {
        var model = await ServeNewModelAsync();
        using var gateway = fixture.App.CreateHttpClient("gateway");

        var answer = await InferenceTraffic.InferAsync(gateway, model, Cancellation);

        Assert.True(answer.Succeeded, answer.ToString());
        Assert.Equal("1", answer.Version);
        AssertSameOutput(Onnx.Mlp(FirstVersion, InferenceTraffic.Input), answer.Output);
        // The preferred cloud serves it, once the gateway has seen it ready there: a first request may already have gone
        // elsewhere, when a connection to a cloud restarted by another test turned out stale and the gateway failed over.
        await PlatformDriver.EventuallyAsync(() => InferenceTraffic.InferAsync(gateway, model, Cancellation), served => served.Succeeded && served.Cloud == "aws",
            PlatformDriver.WithinSeconds, $"{model} served by aws through the gateway");
        foreach (var cloud in PlatformDriver.Clouds)
        {
            Assert.Equal("1", await _platform.ServedVersionAsync(cloud, model));
        }
    }

    [Fact]
    public async Task A_promoted_version_is_served_in_every_cloud_within_seconds_and_no_request_fails_during_the_swap()
    {
        var model = await ServeNewModelAsync();
        var second = await _platform.RegisterVersionAsync(model, SecondVersion);
        await _platform.WaitForReplicasEverywhereAsync(model, second, ReplicationPatience);
        using var gateway = fixture.App.CreateHttpClient("gateway");
        await using var traffic = InferenceTraffic.Start(gateway, model);
        await traffic.WaitForAnswerAsync(answer => answer.Version == "1", "the first version answering through the gateway");

        await _platform.PromoteAsync(model, second);

        foreach (var cloud in PlatformDriver.Clouds)
        {
            await PlatformDriver.EventuallyAsync(() => _platform.ServedVersionAsync(cloud, model), version => version == "2", PlatformDriver.WithinSeconds,
                $"{cloud} serving {model} version 2");
        }
        await traffic.WaitForAnswerAsync(answer => answer.Version == "2", "the second version answering through the gateway");
        var answers = await traffic.StopAsync();
        Assert.All(answers, answer => Assert.True(answer.Succeeded, answer.ToString()));
        var expected = new Dictionary<string, float[]>
        {
            ["1"] = Onnx.Mlp(FirstVersion, InferenceTraffic.Input),
            ["2"] = Onnx.Mlp(SecondVersion, InferenceTraffic.Input),
        };
        Assert.All(answers, answer => AssertSameOutput(expected[answer.Version!], answer.Output));
        Assert.Equal("2", answers[^1].Version);
    }

    /// <summary>Registers a new model, promotes its first version to production, waits for its replicas, and loads it in every cloud.</summary>
    private async Task<string> ServeNewModelAsync()
    {
        await _platform.WaitUntilHealthyAsync("registry", "sync-aws", "sync-gcp", "sync-azure", "inference-aws", "inference-gcp", "inference-azure", "gateway");
        var model = await _platform.RegisterModelAsync(FirstVersion);
        await _platform.PromoteAsync(model, 1);
        var registered = await _platform.WaitForReplicasEverywhereAsync(model, 1, ReplicationPatience);
        Assert.Equal("READY", registered.Status);
        await _platform.LoadEverywhereAsync(model);
        return model;
    }

    private static void AssertSameOutput(float[] expected, float[] actual) =>
        Assert.Equal(expected, actual, (want, got) => Math.Abs(want - got) < 1e-5f);

    public void Dispose() => _platform.Dispose();
}
