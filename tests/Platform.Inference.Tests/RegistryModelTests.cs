using System.Net;
using Platform.Inference.Tests.Hosting;
using Platform.Testing;
using static Platform.Inference.Tests.Hosting.OipClient;

namespace Platform.Inference.Tests;

/// <summary>Models declared by registry reference: resolved through the real registry, read from the stores, verified, cached.</summary>
public sealed class RegistryModelTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>, IDisposable
{
    private static readonly byte[] First = SampleModels.SampleModels.Mlp(4, [8], 3, seed: 1);
    private static readonly byte[] Second = SampleModels.SampleModels.Mlp(4, [8], 3, seed: 2);
    private static readonly float[] Row = [0.5f, -1f, 2f, 3f];
    private static readonly string RowRequest = Request(Input("input", "FP32", [1, 4], Array(Row))).ToJsonString();

    private readonly string _cache = Directory.CreateTempSubdirectory("platform-inference-cache-").FullName;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private RegistryHost Registry => fixture.Registry;

    private async Task<InProcessServer> StartAsync(string localStore, string name, string reference, params (string Key, string? Value)[] more)
    {
        var settings = Registry.InferenceSettings(localStore, _cache);
        settings[$"Inference:Models:{name}:Reference"] = reference;
        settings["Inference:RepositoryApiKey"] = ProtocolFixture.RepositoryKey;
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }
        return await InferenceServer.StartAsync(settings);
    }

    private static async Task<string> VersionServedAsync(HttpClient client, string name) =>
        (await (await client.InferAsync(name, RowRequest)).ReadJsonAsync())["model_version"]!.GetValue<string>();

    [Fact]
    public async Task A_model_declared_by_alias_serves_the_aliased_version_from_the_local_replica()
    {
        var name = RegistryHost.NewModelName();
        var registered = await Registry.RegisterAsync(name, First);
        await Registry.SetAliasAsync(name, "production", registered.Version);

        await using var server = await StartAsync("aws", name, $"{name}@production");
        using var client = server.CreateClient();
        await InferenceServer.WaitUntilReadyAsync(client);

        var response = await (await client.InferAsync(name, RowRequest)).ReadJsonAsync();
        Assert.Equal(registered.Version.ToString(), response["model_version"]!.GetValue<string>());
        Assert.Equal(DirectOnnx.Run(First, "input", Row, [1, 4], "output"), Floats(Output(response, "output")));
        Assert.True(File.Exists(Path.Combine(_cache, registered.Sha256 + ".onnx")));
        Assert.DoesNotContain("platform_inference_cross_cloud_bytes_total{", await client.GetStringAsync("/metrics", Cancellation));
    }

    [Fact]
    public async Task When_the_local_replica_is_missing_another_replica_serves_and_counts_as_egress()
    {
        var name = RegistryHost.NewModelName();
        var registered = await Registry.RegisterAsync(name, First);

        await using var server = await StartAsync("gcp", name, $"{name}/{registered.Version}");
        using var client = server.CreateClient();
        await InferenceServer.WaitUntilReadyAsync(client);

        Assert.Equal(registered.Version.ToString(), await VersionServedAsync(client, name));
        var metrics = await client.GetStringAsync("/metrics", Cancellation);
        Assert.Contains($"platform_inference_cross_cloud_bytes_total{{from_cloud=\"aws\",to_cloud=\"gcp\"}} {registered.Size}", metrics);
        Assert.Contains("platform_inference_cross_cloud_reads_total{from_cloud=\"aws\",to_cloud=\"gcp\"} 1", metrics);
    }

    [Fact]
    public async Task A_local_replica_that_fails_its_hash_is_not_served()
    {
        var name = RegistryHost.NewModelName();
        var registered = await Registry.RegisterAsync(name, First);
        // A copy in the local store whose bytes do not match: the registry's hash wins and the other replica serves.
        var damaged = First.ToArray();
        damaged[^1] ^= 0xff;
        var store = Storage.Configuration.ObjectStoreFactory.Create("gcp", new Storage.Configuration.ObjectStoreOptions
        {
            Provider = Storage.ObjectStoreProvider.FileSystem, Path = Registry.StorePath("gcp"), CreateIfMissing = true,
        });
        await store.EnsureCreatedAsync(Cancellation);
        await store.PutAsync(registered.Key, new MemoryStream(damaged), cancellationToken: Cancellation);

        await using var server = await StartAsync("gcp", name, $"{name}/{registered.Version}");
        using var client = server.CreateClient();
        await InferenceServer.WaitUntilReadyAsync(client);

        var response = await (await client.InferAsync(name, RowRequest)).ReadJsonAsync();
        Assert.Equal(DirectOnnx.Run(First, "input", Row, [1, 4], "output"), Floats(Output(response, "output")));
        Assert.Contains("from_cloud=\"aws\",to_cloud=\"gcp\"", await client.GetStringAsync("/metrics", Cancellation));
    }

    [Fact]
    public async Task A_damaged_cache_file_is_fetched_again()
    {
        var name = RegistryHost.NewModelName();
        var registered = await Registry.RegisterAsync(name, First);
        var cached = Path.Combine(_cache, registered.Sha256 + ".onnx");
        await File.WriteAllBytesAsync(cached, [1, 2, 3], Cancellation);

        await using var server = await StartAsync("aws", name, $"{name}/{registered.Version}");
        using var client = server.CreateClient();
        await InferenceServer.WaitUntilReadyAsync(client);

        Assert.Equal(First, await File.ReadAllBytesAsync(cached, Cancellation));
        Assert.Equal(registered.Version.ToString(), await VersionServedAsync(client, name));
    }

    [Fact]
    public async Task An_unknown_reference_leaves_the_server_unready_with_the_reason_in_the_index()
    {
        var name = RegistryHost.NewModelName();
        await using var server = await StartAsync("aws", name, $"{name}@production");
        using var client = server.CreateClient();

        await Eventually.HoldsAsync(async () =>
        {
            var index = await (await client.PostAsync("/v2/repository/index", null, Cancellation)).ReadJsonAsync();
            return index.AsArray().Single()!["state"]!.GetValue<string>() == "UNAVAILABLE";
        }, InferenceServer.ReadyTimeout, "the load to fail");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/v2/health/ready", Cancellation)).StatusCode);
        var index = await (await client.PostAsync("/v2/repository/index", null, Cancellation)).ReadJsonAsync();
        Assert.Contains("could not resolve", index[0]!["reason"]!.GetValue<string>());
        await (await client.InferAsync(name, RowRequest)).ReadErrorAsync(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task A_model_registered_after_the_server_started_serves_soon_without_waiting_for_the_refresh()
    {
        // As when the whole platform starts at once: the server is up before the model is registered. With no event and a
        // refresh interval of a day, only the retry of a model that does not serve yet can load it.
        var name = RegistryHost.NewModelName();
        await using var server = await StartAsync("aws", name, $"{name}@production", ("Inference:RefreshInterval", "1.00:00:00"));
        using var client = server.CreateClient();
        await Eventually.HoldsAsync(async () =>
        {
            var index = await (await client.PostAsync("/v2/repository/index", null, Cancellation)).ReadJsonAsync();
            return index.AsArray().Single()!["state"]!.GetValue<string>() == "UNAVAILABLE";
        }, InferenceServer.ReadyTimeout, "the first load to fail");

        var registered = await Registry.RegisterAsync(name, First);
        await Registry.SetAliasAsync(name, "production", registered.Version);

        await InferenceServer.WaitUntilReadyAsync(client);
        Assert.Equal(registered.Version.ToString(), await VersionServedAsync(client, name));
    }

    [Fact]
    public async Task When_the_alias_moves_the_new_version_swaps_in_under_load_without_a_failed_request()
    {
        var name = RegistryHost.NewModelName();
        var first = await Registry.RegisterAsync(name, First);
        var second = await Registry.RegisterAsync(name, Second);
        await Registry.SetAliasAsync(name, "production", first.Version);

        // Only the periodic check can see the move here: this registry's events stay in its own process.
        await using var server = await StartAsync("aws", name, $"{name}@production", ("Inference:RefreshInterval", "00:00:00.200"));
        using var client = server.CreateClient();
        await InferenceServer.WaitUntilReadyAsync(client);

        var load = new LoadGenerator(client, name, RowRequest, clients: 8);
        await Eventually.HoldsAsync(() => Task.FromResult(load.Completed > 100), TimeSpan.FromSeconds(60), "load on the first version");
        await Registry.SetAliasAsync(name, "production", second.Version);
        await Eventually.HoldsAsync(() => Task.FromResult(load.Saw(second.Version.ToString())), TimeSpan.FromSeconds(60), "the second version to serve");
        await load.StopAfterAsync(200, TimeSpan.FromSeconds(60));

        Assert.Empty(load.Failures);
        Assert.True(load.Saw(first.Version.ToString()));
        var response = await (await client.InferAsync(name, RowRequest)).ReadJsonAsync();
        Assert.Equal(DirectOnnx.Run(Second, "input", Row, [1, 4], "output"), Floats(Output(response, "output")));
        await (await client.GetAsync($"/v2/models/{name}/versions/{first.Version}", Cancellation)).ReadErrorAsync(HttpStatusCode.NotFound);

        // The statistics keep the version the alias moved away from, and count what each version answered.
        var stats = (await (await client.GetAsync($"/v2/models/{name}/stats", Cancellation)).ReadJsonAsync())["model_stats"]!.AsArray()
            .ToDictionary(stat => stat!["version"]!.GetValue<string>(), stat => stat!["inference_stats"]!["success"]!["count"]!.GetValue<long>());
        Assert.Equal(new Dictionary<string, long>
        {
            [first.Version.ToString()] = load.Versions[first.Version.ToString()],
            [second.Version.ToString()] = load.Versions[second.Version.ToString()] + 1,
        }, stats);
    }

    [Fact]
    public async Task A_version_that_fails_to_load_leaves_the_old_one_serving()
    {
        var name = RegistryHost.NewModelName();
        var first = await Registry.RegisterAsync(name, First);
        var second = await Registry.RegisterAsync(name, Second);
        await Registry.SetAliasAsync(name, "production", first.Version);
        await using var server = await StartAsync("aws", name, $"{name}@production");
        using var client = server.CreateClient();
        await InferenceServer.WaitUntilReadyAsync(client);

        // The second version's only replica is damaged behind the registry's back: no copy anywhere passes its hash.
        var artifact = Path.Combine(Registry.StorePath("aws"), second.Key);
        var bytes = await File.ReadAllBytesAsync(artifact, Cancellation);
        bytes[^1] ^= 0xff;
        await File.WriteAllBytesAsync(artifact, bytes, Cancellation);
        await Registry.SetAliasAsync(name, "production", second.Version);

        using var admin = server.CreateClient(ProtocolFixture.RepositoryKey);
        var message = await (await admin.PostAsync($"/v2/repository/models/{name}/load", null, Cancellation)).ReadErrorAsync();
        Assert.Contains("SHA-256", message);
        Assert.Equal(first.Version.ToString(), await VersionServedAsync(client, name));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v2/health/ready", Cancellation)).StatusCode);
        var index = await (await client.PostAsync("/v2/repository/index", null, Cancellation)).ReadJsonAsync();
        Assert.Equal("READY", index[0]!["state"]!.GetValue<string>());
        Assert.Equal(first.Version.ToString(), index[0]!["version"]!.GetValue<string>());
        Assert.Contains("SHA-256", index[0]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_model_not_declared_can_be_loaded_by_reference_through_the_repository_api()
    {
        var name = RegistryHost.NewModelName();
        var registered = await Registry.RegisterAsync(name, First);
        await using var server = await StartAsync("aws", "declared", $"{name}/{registered.Version}");
        using var admin = server.CreateClient(ProtocolFixture.RepositoryKey);
        await InferenceServer.WaitUntilReadyAsync(admin);

        using var load = await admin.PostJsonAsync("/v2/repository/models/extra/load", new { parameters = new { reference = $"{name}/{registered.Version}" } });
        Assert.Equal(HttpStatusCode.OK, load.StatusCode);
        Assert.Equal(registered.Version.ToString(), await VersionServedAsync(admin, "extra"));
        using var conflicting = await admin.PostJsonAsync("/v2/repository/models/extra/load", new { parameters = new { reference = $"{name}@production" } });
        await conflicting.ReadErrorAsync();
    }

    public void Dispose() => Directory.Delete(_cache, recursive: true);
}
