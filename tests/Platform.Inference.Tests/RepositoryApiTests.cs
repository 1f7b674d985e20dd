using System.Net;
using System.Text;
using Platform.Inference.Tests.Hosting;
using static Platform.Inference.Tests.Hosting.OipClient;

namespace Platform.Inference.Tests;

/// <summary>Triton's model-repository extension: index, load and unload.</summary>
public sealed class RepositoryApiTests(ProtocolFixture fixture) : IClassFixture<ProtocolFixture>
{
    private static readonly string Row = Request(Input("input", "FP32", [1, 4], Array(new[] { 1f, 2f, 3f, 4f }))).ToJsonString();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private HttpClient Client => fixture.Client;

    private HttpClient Admin() => fixture.Server.CreateClient(ProtocolFixture.RepositoryKey);

    [Fact]
    public async Task The_index_lists_every_model_with_version_and_state()
    {
        var index = await (await Client.PostAsync("/v2/repository/index", null, Cancellation)).ReadJsonAsync();
        var mlp = index.AsArray().Single(entry => entry!["name"]!.GetValue<string>() == "mlp")!;
        Assert.Equal("7", mlp["version"]!.GetValue<string>());
        Assert.Equal("READY", mlp["state"]!.GetValue<string>());
        Assert.Equal("", mlp["reason"]!.GetValue<string>());
        Assert.Contains(index.AsArray(), entry => entry!["name"]!.GetValue<string>() == "identity-bytes");
    }

    [Fact]
    public async Task Unload_stops_serving_and_load_brings_the_model_back()
    {
        using var admin = Admin();
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/v2/repository/models/house/unload", null, Cancellation)).StatusCode);

        var house = Request(
            Input("Size", "FP32", [1, 1], Array(new[] { 10f })), Input("Rooms", "FP32", [1, 1], Array(new[] { 1f })), Input("Price", "FP32", [1, 1], Array(new[] { 0f })));
        await (await Client.InferAsync("house", house)).ReadErrorAsync(HttpStatusCode.ServiceUnavailable);
        await (await Client.GetAsync("/v2/models/house/ready", Cancellation)).ReadJsonAsync(HttpStatusCode.ServiceUnavailable);
        var ready = await (await Client.PostJsonAsync("/v2/repository/index", new { ready = true })).ReadJsonAsync();
        Assert.DoesNotContain(ready.AsArray(), entry => entry!["name"]!.GetValue<string>() == "house");
        var all = await (await Client.PostAsync("/v2/repository/index", null, Cancellation)).ReadJsonAsync();
        var entry = all.AsArray().Single(model => model!["name"]!.GetValue<string>() == "house")!;
        Assert.Equal("UNAVAILABLE", entry["state"]!.GetValue<string>());
        Assert.Equal("unloaded", entry["reason"]!.GetValue<string>());
        // A model unloaded on purpose does not make the server unready.
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/v2/health/ready", Cancellation)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/v2/repository/models/house/load", null, Cancellation)).StatusCode);
        await (await Client.InferAsync("house", house)).ReadJsonAsync();
    }

    [Fact]
    public async Task Loading_a_file_model_again_serves_the_file_as_it_is_now()
    {
        var file = fixture.Models.Write("reloadable.onnx", SampleModels.SampleModels.Mlp(4, [8], 3, seed: 1));
        await using var server = await InferenceServer.StartAsync(new Dictionary<string, string?>
        {
            ["Inference:Models:reloadable:Path"] = file,
            ["Inference:RepositoryApiKey"] = ProtocolFixture.RepositoryKey,
        });
        using var admin = server.CreateClient(ProtocolFixture.RepositoryKey);
        await InferenceServer.WaitUntilReadyAsync(admin);
        var before = Floats(Output(await (await admin.InferAsync("reloadable", Row)).ReadJsonAsync(), "output"));

        var replaced = SampleModels.SampleModels.Mlp(4, [8], 3, seed: 2);
        await File.WriteAllBytesAsync(file, replaced, Cancellation);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/v2/repository/models/reloadable/load", null, Cancellation)).StatusCode);

        var after = Floats(Output(await (await admin.InferAsync("reloadable", Row)).ReadJsonAsync(), "output"));
        Assert.NotEqual(before, after);
        Assert.Equal(DirectOnnx.Run(replaced, "input", [1f, 2f, 3f, 4f], [1, 4], "output"), after);

        await File.WriteAllBytesAsync(file, Encoding.UTF8.GetBytes("not an onnx model"), Cancellation);
        var message = await (await admin.PostAsync("/v2/repository/models/reloadable/load", null, Cancellation)).ReadErrorAsync();
        Assert.Contains("ONNX Runtime could not load", message);
        Assert.Equal(after, Floats(Output(await (await admin.InferAsync("reloadable", Row)).ReadJsonAsync(), "output")));
    }

    [Fact]
    public async Task Load_and_unload_without_the_key_get_401()
    {
        await (await Client.PostAsync("/v2/repository/models/mlp/unload", null, Cancellation)).ReadErrorAsync(HttpStatusCode.Unauthorized);
        using var wrong = fixture.Server.CreateClient("wrong-key");
        await (await wrong.PostAsync("/v2/repository/models/mlp/load", null, Cancellation)).ReadErrorAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/v2/models/mlp/ready", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task Without_a_repository_key_configured_load_and_unload_are_refused()
    {
        var file = fixture.Models.Write("keyless.onnx", ProtocolFixture.Mlp);
        await using var server = await InferenceServer.StartAsync(new Dictionary<string, string?> { ["Inference:Models:keyless:Path"] = file });
        using var client = server.CreateClient("any-key");
        await (await client.PostAsync("/v2/repository/models/keyless/unload", null, Cancellation)).ReadErrorAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Loading_an_unknown_model_gets_404_and_a_bad_body_gets_400()
    {
        using var admin = Admin();
        await (await admin.PostAsync("/v2/repository/models/nothing/load", null, Cancellation)).ReadErrorAsync(HttpStatusCode.NotFound);
        await (await admin.PostAsync("/v2/repository/models/nothing/unload", null, Cancellation)).ReadErrorAsync(HttpStatusCode.NotFound);
        var malformed = new StringContent("{\"parameters\":", Encoding.UTF8, "application/json");
        await (await admin.PostAsync("/v2/repository/models/mlp/load", malformed, Cancellation)).ReadErrorAsync();
        var badReference = new StringContent("{\"parameters\":{\"reference\":\"Not A Reference\"}}", Encoding.UTF8, "application/json");
        await (await admin.PostAsync("/v2/repository/models/other/load", badReference, Cancellation)).ReadErrorAsync();
    }
}
