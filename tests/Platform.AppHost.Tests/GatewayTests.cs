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
        Assert.Equal("aws", response.Headers.GetValues("X-Served-By-Cloud").Single());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        var output = body.RootElement.GetProperty("outputs")[0];
        Assert.Equal([2, 3], output.GetProperty("shape").EnumerateArray().Select(dimension => dimension.GetInt32()));
        var probabilities = output.GetProperty("data").EnumerateArray().Select(value => value.GetDouble()).ToList();
        Assert.Equal(1.0, probabilities.Take(3).Sum(), precision: 4);
    }
}
