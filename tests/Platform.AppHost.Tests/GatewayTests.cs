using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;

namespace Platform.AppHost.Tests;

/// <summary>The whole data path as the AppHost wires it: seeded models, served per cloud, reached through the gateway.</summary>
[Collection(nameof(AppHostCollection))]
public sealed class GatewayTests(AppHostFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_seeded_model_answers_through_the_gateway_from_the_preferred_cloud()
    {
        foreach (var resource in new[] { "inference-aws", "inference-gcp", "inference-azure", "gateway" })
        {
            await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync(resource, Cancellation).WaitAsync(Patience, Cancellation);
        }
        using var gateway = fixture.App.CreateHttpClient("gateway");

        using var response = await gateway.PostAsJsonAsync("/v2/models/mlp/infer", new
        {
            inputs = new[] { new { name = "input", shape = new[] { 2, 4 }, datatype = "FP32", data = new[] { 1f, 2f, 3f, 4f, 4f, 3f, 2f, 1f } } },
        }, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        var output = body.RootElement.GetProperty("outputs")[0];
        Assert.Equal([2, 3], output.GetProperty("shape").EnumerateArray().Select(dimension => dimension.GetInt32()));
        var probabilities = output.GetProperty("data").EnumerateArray().Select(value => value.GetDouble()).ToList();
        Assert.Equal(1.0, probabilities.Take(3).Sum(), precision: 4);
        // From the preferred cloud once the gateway has seen the model ready there: it probes every 500 ms, so a request just
        // after inference-aws turned healthy may still go to a cloud it had seen ready before.
        await PlatformDriver.EventuallyAsync(() => InferenceTraffic.InferAsync(gateway, "mlp", Cancellation), answer => answer.Succeeded && answer.Cloud == "aws",
            PlatformDriver.WithinSeconds, "mlp served by aws, the preferred cloud");
    }

    [Fact]
    public async Task Every_clouds_inference_answers_the_grpc_api_on_its_grpc_endpoint()
    {
        foreach (var cloud in new[] { "aws", "gcp", "azure" })
        {
            await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync($"inference-{cloud}", Cancellation).WaitAsync(Patience, Cancellation);

            var (status, _, body) = await ModelReadyOverGrpcAsync(fixture.App.GetEndpoint($"inference-{cloud}", "grpc"), "mlp");

            Assert.Equal("0", status);
            // ModelReadyResponse { ready: true }: field 1, varint 1.
            Assert.Equal([0, 0, 0, 0, 2, 0x08, 0x01], body);
        }
    }

    [Fact]
    public async Task The_gateway_forwards_the_grpc_api_from_its_grpc_endpoint_to_the_preferred_cloud()
    {
        foreach (var resource in new[] { "inference-aws", "gateway" })
        {
            await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync(resource, Cancellation).WaitAsync(Patience, Cancellation);
        }
        var gateway = fixture.App.GetEndpoint("gateway", "grpc");

        // The model is named in the message only; the gateway reads it there to route the call, as it reads the path for REST.
        await PlatformDriver.EventuallyAsync(() => ModelReadyOverGrpcAsync(gateway, "mlp"),
            answer => answer.Status == "0" && answer.Cloud == "aws" && answer.Body.SequenceEqual<byte>([0, 0, 0, 0, 2, 0x08, 0x01]),
            PlatformDriver.WithinSeconds, "mlp ready, answered by aws over the gateway's gRPC endpoint");
        var (status, _, _) = await ModelReadyOverGrpcAsync(gateway, "no-such-model");
        Assert.Equal("5", status);
    }

    /// <summary>
    /// <c>ModelReady</c> for <paramref name="model"/> over HTTP/2 without TLS, as gRPC clients speak it, with the protobuf bytes
    /// by hand (what any client's stub would send): the call's status, the cloud the gateway says answered, and the body.
    /// </summary>
    private static async Task<(string? Status, string? Cloud, byte[] Body)> ModelReadyOverGrpcAsync(Uri endpoint, string model)
    {
        using var client = new HttpClient { BaseAddress = endpoint };
        // ModelReadyRequest { name: model } (field 1, length-delimited) in one uncompressed gRPC frame.
        byte[] message = [0x0a, (byte)model.Length, .. System.Text.Encoding.ASCII.GetBytes(model)];
        using var request = new HttpRequestMessage(HttpMethod.Post, "/inference.GRPCInferenceService/ModelReady")
        {
            Content = new ByteArrayContent([0, 0, 0, 0, (byte)message.Length, .. message]),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new("application/grpc");
        request.Headers.TE.Add(new("trailers"));

        using var response = await client.SendAsync(request, Cancellation);
        var body = await response.Content.ReadAsByteArrayAsync(Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // A call refused before its answer carries its status in the headers (trailers-only); any other, in the trailers.
        var status = response.TrailingHeaders.TryGetValues("grpc-status", out var trailer) ? trailer.Single()
            : response.Headers.TryGetValues("grpc-status", out var header) ? header.Single() : null;
        var cloud = response.Headers.TryGetValues("X-Served-By-Cloud", out var served) ? served.Single() : null;
        return (status, cloud, body);
    }
}
