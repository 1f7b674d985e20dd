using Platform.Inference.Tests.Hosting;
using Platform.Testing;
using static Platform.Inference.Tests.Hosting.OipClient;

namespace Platform.Inference.Tests;

/// <summary>A real RabbitMQ, and a registry that publishes its events there.</summary>
public sealed class BrokerRegistryFixture : IAsyncLifetime
{
    public LocalRabbitMq Broker { get; private set; } = null!;

    public RegistryHost Registry { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Broker = await LocalRabbitMq.StartNewAsync();
        Registry = await RegistryHost.StartAsync(Broker.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await Registry.DisposeAsync();
        await Broker.DisposeAsync();
    }
}

public sealed class AliasEventTests(BrokerRegistryFixture fixture) : IClassFixture<BrokerRegistryFixture>, IDisposable
{
    private readonly string _cache = Directory.CreateTempSubdirectory("platform-inference-cache-").FullName;

    [Fact]
    public async Task A_ModelAliasChanged_event_swaps_every_server_that_follows_the_alias_without_waiting_for_the_refresh()
    {
        var registry = fixture.Registry;
        var name = RegistryHost.NewModelName();
        var first = await registry.RegisterAsync(name, SampleModels.SampleModels.Mlp(4, [8], 3, seed: 1));
        var second = await registry.RegisterAsync(name, SampleModels.SampleModels.Mlp(4, [8], 3, seed: 2));
        await registry.SetAliasAsync(name, "production", first.Version);

        // Two servers (two pods of one cloud): each must hear the event on its own queue. The periodic check is a day away.
        var settings = registry.InferenceSettings("aws", _cache);
        settings[$"Inference:Models:{name}:Reference"] = $"{name}@production";
        settings["Inference:RefreshInterval"] = "1.00:00:00";
        settings["ConnectionStrings:rabbitmq"] = fixture.Broker.ConnectionString;
        await using var one = await InferenceServer.StartAsync(settings);
        await using var two = await InferenceServer.StartAsync(settings);
        using var clientOne = one.CreateClient();
        using var clientTwo = two.CreateClient();
        await InferenceServer.WaitUntilReadyAsync(clientOne);
        await InferenceServer.WaitUntilReadyAsync(clientTwo);
        // Each server's queue exists once its bus has started; an event published before that would only wait for the refresh.
        await Eventually.HoldsAsync(async () => await BusReadyAsync(clientOne) && await BusReadyAsync(clientTwo), TimeSpan.FromSeconds(60), "both buses");

        await registry.SetAliasAsync(name, "production", second.Version);

        var request = Request(Input("input", "FP32", [1, 4], Array(new[] { 1f, 2f, 3f, 4f }))).ToJsonString();
        foreach (var client in new[] { clientOne, clientTwo })
        {
            await Eventually.HoldsAsync(async () =>
                (await (await client.InferAsync(name, request)).ReadJsonAsync())["model_version"]!.GetValue<string>() == second.Version.ToString(),
                TimeSpan.FromSeconds(60), "the event to move the server to the second version");
        }
    }

    [Fact]
    public async Task A_server_started_before_its_broker_catches_up_on_alias_moves_it_missed_as_soon_as_the_broker_answers()
    {
        var registry = fixture.Registry;
        var name = RegistryHost.NewModelName();
        var first = await registry.RegisterAsync(name, SampleModels.SampleModels.Mlp(4, [8], 3, seed: 3));
        var second = await registry.RegisterAsync(name, SampleModels.SampleModels.Mlp(4, [8], 3, seed: 4));
        await registry.SetAliasAsync(name, "production", first.Version);
        // A broker of the server's own, down while it starts; the registry publishes elsewhere, so no event ever reaches this
        // server, and the periodic check is a day away: only resolving the alias again when its queue is ready moves it.
        await using var broker = await LocalRabbitMq.StartNewAsync();
        await broker.StopAsync();
        var settings = registry.InferenceSettings("aws", _cache);
        settings[$"Inference:Models:{name}:Reference"] = $"{name}@production";
        settings["Inference:RefreshInterval"] = "1.00:00:00";
        settings["ConnectionStrings:rabbitmq"] = broker.ConnectionString;
        await using var server = await InferenceServer.StartAsync(settings);
        using var client = server.CreateClient();
        await InferenceServer.WaitUntilReadyAsync(client);
        var request = Request(Input("input", "FP32", [1, 4], Array(new[] { 1f, 2f, 3f, 4f }))).ToJsonString();
        Assert.False(await BusReadyAsync(client));

        await registry.SetAliasAsync(name, "production", second.Version);
        Assert.Equal(first.Version.ToString(), (await (await client.InferAsync(name, request)).ReadJsonAsync())["model_version"]!.GetValue<string>());
        await broker.StartAsync();

        await Eventually.HoldsAsync(async () =>
            (await (await client.InferAsync(name, request)).ReadJsonAsync())["model_version"]!.GetValue<string>() == second.Version.ToString(),
            TimeSpan.FromSeconds(60), "the server to resolve the alias again once its queue was ready");
        Assert.True(await BusReadyAsync(client));
    }

    /// <summary>/health reports Degraded (still 200) until the bus is connected, and Healthy once it is.</summary>
    private static async Task<bool> BusReadyAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
        return response.IsSuccessStatusCode && await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken) == "Healthy";
    }

    public void Dispose() => Directory.Delete(_cache, recursive: true);
}
