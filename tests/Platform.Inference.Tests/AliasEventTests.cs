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
        var (name, _, second) = await RegisterTwoVersionsAsync(seed: 1);
        // Two servers (two pods of one cloud): each must hear the event on its own queue. The periodic check is a day away.
        var settings = Settings(name, fixture.Broker.ConnectionString);
        await using var one = await InferenceServer.StartAsync(settings);
        await using var two = await InferenceServer.StartAsync(settings);
        using var clientOne = one.CreateClient();
        using var clientTwo = two.CreateClient();
        await InferenceServer.WaitUntilReadyAsync(clientOne);
        await InferenceServer.WaitUntilReadyAsync(clientTwo);
        // Each server's queue exists once its bus has started. A move before that would be caught up when the queue is ready,
        // without any event: this test is about the event.
        await Eventually.HoldsAsync(async () => await BusReadyAsync(clientOne) && await BusReadyAsync(clientTwo), TimeSpan.FromSeconds(60), "both buses");

        await fixture.Registry.SetAliasAsync(name, "production", second);

        foreach (var client in new[] { clientOne, clientTwo })
        {
            await Eventually.HoldsAsync(async () => await ServedVersionAsync(client, name) == second, TimeSpan.FromSeconds(60),
                "the event to move the server to the second version");
        }
    }

    [Fact]
    public async Task A_server_started_before_its_broker_catches_up_on_alias_moves_it_missed_as_soon_as_the_broker_answers()
    {
        var (name, first, second) = await RegisterTwoVersionsAsync(seed: 3);
        // A broker of the server's own, down while it starts; the registry publishes elsewhere, so no event ever reaches this
        // server, and the periodic check is a day away: only resolving the alias again when its queue is ready moves it.
        await using var broker = await LocalRabbitMq.StartNewAsync();
        await broker.StopAsync();
        await using var server = await InferenceServer.StartAsync(Settings(name, broker.ConnectionString));
        using var client = server.CreateClient();
        await InferenceServer.WaitUntilReadyAsync(client);
        Assert.False(await BusReadyAsync(client));

        await fixture.Registry.SetAliasAsync(name, "production", second);
        Assert.Equal(first, await ServedVersionAsync(client, name));
        await broker.StartAsync();

        await Eventually.HoldsAsync(async () => await ServedVersionAsync(client, name) == second, TimeSpan.FromSeconds(60),
            "the server to resolve the alias again once its queue was ready");
        Assert.True(await BusReadyAsync(client));
    }

    /// <summary>A new model with two versions, its production alias on the first.</summary>
    private async Task<(string Name, int First, int Second)> RegisterTwoVersionsAsync(int seed)
    {
        var registry = fixture.Registry;
        var name = RegistryHost.NewModelName();
        var first = await registry.RegisterAsync(name, SampleModels.SampleModels.Mlp(4, [8], 3, seed: seed));
        var second = await registry.RegisterAsync(name, SampleModels.SampleModels.Mlp(4, [8], 3, seed: seed + 1));
        await registry.SetAliasAsync(name, "production", first.Version);
        return (name, first.Version, second.Version);
    }

    /// <summary>A server in aws that follows the model's production alias, checking it again only once a day, on <paramref name="broker"/>.</summary>
    private Dictionary<string, string?> Settings(string name, string broker)
    {
        var settings = fixture.Registry.InferenceSettings("aws", _cache);
        settings[$"Inference:Models:{name}:Reference"] = $"{name}@production";
        settings["Inference:RefreshInterval"] = "1.00:00:00";
        settings["ConnectionStrings:rabbitmq"] = broker;
        return settings;
    }

    private static async Task<int> ServedVersionAsync(HttpClient client, string name)
    {
        var request = Request(Input("input", "FP32", [1, 4], Array(new[] { 1f, 2f, 3f, 4f }))).ToJsonString();
        return int.Parse((await (await client.InferAsync(name, request)).ReadJsonAsync())["model_version"]!.GetValue<string>());
    }

    /// <summary>/health reports Degraded (still 200) until the bus is connected, and Healthy once it is.</summary>
    private static async Task<bool> BusReadyAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
        return response.IsSuccessStatusCode && await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken) == "Healthy";
    }

    public void Dispose() => Directory.Delete(_cache, recursive: true);
}
