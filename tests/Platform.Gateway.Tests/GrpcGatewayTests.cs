using Grpc.Core;
using Grpc.Net.Client;
using Platform.Gateway.Routing;
using Platform.Inference.Grpc.Protocol;
using Platform.Testing;

namespace Platform.Gateway.Tests;

/// <summary>
/// The protocol's gRPC API through the gateway's gRPC port, with .NET's gRPC client, to the fixture's real inference servers
/// over their HTTP/2-only ports.
/// </summary>
public sealed class GrpcGatewayTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static ModelInferRequest Infer(string model) => new()
    {
        ModelName = model,
        Inputs =
        {
            new ModelInferRequest.Types.InferInputTensor
            {
                Name = "input", Datatype = "FP32", Shape = { 1, 4 }, Contents = new InferTensorContents { Fp32Contents = { 1f, 2f, 3f, 4f } },
            },
        },
    };

    /// <summary>A gateway with a gRPC port, every cloud spoken to over HTTP/2 unless <paramref name="settings"/> says otherwise.</summary>
    private async Task<(InProcessServer Gateway, int GrpcPort)> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var grpcPort = FreePort.Next();
        settings ??= new();
        settings["Gateway:GrpcPort"] = grpcPort.ToString();
        settings.TryAdd("Gateway:PreferredCloud", "aws");
        foreach (var cloud in GatewayFixture.CloudNames)
        {
            settings.TryAdd($"Gateway:Clouds:{cloud}:Url", fixture.Http2Url(cloud));
            settings.TryAdd($"Gateway:Clouds:{cloud}:Http2", "true");
        }
        var gateway = await fixture.StartGatewayAsync(settings);
        return (gateway, grpcPort);
    }

    private static GRPCInferenceService.GRPCInferenceServiceClient Client(GrpcChannel channel) => new(channel);

    [Fact]
    public async Task A_call_goes_to_the_preferred_cloud_the_answer_says_which_and_a_model_one_cloud_has_is_found_there()
    {
        var (gateway, grpcPort) = await StartAsync();
        await using var _ = gateway;
        await fixture.WaitUntilEveryCloudAnswersAsync(gateway);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        var client = Client(channel);

        using var call = client.ModelInferAsync(Infer("mlp"), cancellationToken: Cancellation);
        var answer = await call;
        Assert.Equal("aws", (await call.ResponseHeadersAsync).GetValue(FailoverForwarder.ServedByHeader.ToLowerInvariant()));
        Assert.Equal("mlp", answer.ModelName);
        Assert.Equal(3 * sizeof(float), answer.RawOutputContents.Single().Length);

        // The model's name is in the message, not the path: only gcp has this one, and aws and azure answer NOT_FOUND.
        using var elsewhere = client.ModelInferAsync(Infer("only-gcp"), cancellationToken: Cancellation);
        await elsewhere;
        Assert.Equal("gcp", (await elsewhere.ResponseHeadersAsync).GetValue(FailoverForwarder.ServedByHeader.ToLowerInvariant()));

        var ready = await client.ModelReadyAsync(new ModelReadyRequest { Name = "only-gcp" }, cancellationToken: Cancellation);
        Assert.True(ready.Ready);
        using var statistics = client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "only-gcp" }, cancellationToken: Cancellation);
        Assert.Equal("only-gcp", (await statistics).ModelStats.Single().Name);
        Assert.Equal("gcp", (await statistics.ResponseHeadersAsync).GetValue(FailoverForwarder.ServedByHeader.ToLowerInvariant()));
        Assert.True((await client.ServerLiveAsync(new ServerLiveRequest(), cancellationToken: Cancellation)).Live);

        var missing = await Assert.ThrowsAsync<RpcException>(async () => await client.ModelInferAsync(Infer("nowhere"), cancellationToken: Cancellation));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_call_to_a_cloud_that_does_not_answer_is_sent_to_the_next_and_the_client_sees_no_error()
    {
        // aws, the preferred cloud, is a port nobody listens on.
        var (gateway, grpcPort) = await StartAsync(new Dictionary<string, string?> { ["Gateway:Clouds:aws:Url"] = $"http://127.0.0.1:{FreePort.Next()}" });
        await using var _ = gateway;
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        var client = Client(channel);

        for (var i = 0; i < 10; i++)
        {
            using var call = client.ModelInferAsync(Infer("mlp"), cancellationToken: Cancellation);
            await call;
            Assert.NotEqual("aws", (await call.ResponseHeadersAsync).GetValue(FailoverForwarder.ServedByHeader.ToLowerInvariant()));
        }
    }

    [Fact]
    public async Task The_gateways_refusals_are_grpc_statuses_with_their_reason()
    {
        // No cloud spoken to over HTTP/2: nothing can take a gRPC call.
        var (http1, http1Port) = await StartAsync(GatewayFixture.CloudNames.ToDictionary(
            cloud => $"Gateway:Clouds:{cloud}:Http2", _ => (string?)"false"));
        await using (http1)
        {
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{http1Port}");
            var refused = await Assert.ThrowsAsync<RpcException>(async () => await Client(channel).ModelInferAsync(Infer("mlp"), cancellationToken: Cancellation));
            Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
            Assert.Contains("HTTP/2", refused.Status.Detail);
        }

        // A message larger than the body the gateway keeps to send again.
        var (small, smallPort) = await StartAsync(new Dictionary<string, string?> { ["Gateway:MaxRetriedBodyBytes"] = "64" });
        await using (small)
        {
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{smallPort}");
            var request = Infer("mlp");
            request.Id = new string('x', 100);
            var tooLarge = await Assert.ThrowsAsync<RpcException>(async () => await Client(channel).ModelInferAsync(request, cancellationToken: Cancellation));
            Assert.Equal(StatusCode.ResourceExhausted, tooLarge.StatusCode);
            Assert.Contains("64 bytes", tooLarge.Status.Detail);
        }
    }
}
