using System.Net;
using Platform.Inference.Tests.Hosting;

namespace Platform.Inference.Tests;

public sealed class ServerApiTests(ProtocolFixture fixture) : IClassFixture<ProtocolFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Live_answers_true()
    {
        var live = await (await Client.GetAsync("/v2/health/live", Cancellation)).ReadJsonAsync();
        Assert.True(live["live"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Ready_answers_true_once_every_declared_model_serves()
    {
        var ready = await (await Client.GetAsync("/v2/health/ready", Cancellation)).ReadJsonAsync();
        Assert.True(ready["ready"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/health", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task Server_metadata_names_the_server_and_its_extensions()
    {
        var metadata = await (await Client.GetAsync("/v2", Cancellation)).ReadJsonAsync();
        Assert.Equal("platform-inference", metadata["name"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(metadata["version"]!.GetValue<string>()));
        var extensions = metadata["extensions"]!.AsArray().Select(extension => extension!.GetValue<string>()).ToList();
        Assert.Contains("binary_tensor_data", extensions);
        Assert.Contains("model_repository", extensions);
        Assert.Contains("model_configuration", extensions);
    }

    [Fact]
    public async Task An_unknown_path_gets_404_as_an_error_object()
    {
        await (await Client.GetAsync("/v2/nothing/here", Cancellation)).ReadErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_wrong_method_gets_405_as_an_error_object()
    {
        await (await Client.DeleteAsync("/v2/models/mlp/infer", Cancellation)).ReadErrorAsync(HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task The_openapi_document_lists_the_protocol_routes()
    {
        var document = await Client.GetStringAsync("/openapi/v1.json", Cancellation);
        Assert.Contains("/v2/models/{name}/infer", document);
        Assert.Contains("/v2/models/{name}/versions/{version}/infer", document);
        Assert.Contains("/v2/repository/models/{name}/load", document);
        Assert.Contains("/v2/models/{name}/versions/{version}/stats", document);
    }
}
