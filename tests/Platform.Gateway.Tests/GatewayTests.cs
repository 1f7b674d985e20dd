using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Gateway.Routing;

namespace Platform.Gateway.Tests;

public sealed class GatewayTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static object Request => new
    {
        inputs = new[] { new { name = "input", shape = new[] { 1, 4 }, datatype = "FP32", data = new[] { 1f, 2f, 3f, 4f } } },
    };

    [Fact]
    public async Task Inference_goes_to_the_preferred_cloud_and_the_response_says_which_cloud_served_it()
    {
        using var client = fixture.Gateway.CreateClient();

        using var response = await client.PostAsJsonAsync("/v2/models/mlp/infer", Request, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("aws", response.Headers.GetValues(FailoverForwarder.ServedByHeader).Single());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal(3, body.RootElement.GetProperty("outputs")[0].GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task A_model_only_one_cloud_has_is_served_by_that_cloud()
    {
        using var client = fixture.Gateway.CreateClient();

        using var response = await client.PostAsJsonAsync("/v2/models/only-gcp/infer", Request, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gcp", response.Headers.GetValues(FailoverForwarder.ServedByHeader).Single());
    }

    [Fact]
    public async Task A_model_no_cloud_has_gets_the_protocols_404()
    {
        using var client = fixture.Gateway.CreateClient();

        using var response = await client.PostAsJsonAsync("/v2/models/nowhere/infer", Request, Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        Assert.False(string.IsNullOrEmpty(body.RootElement.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task When_the_preferred_cloud_stops_traffic_moves_with_no_failed_request_and_comes_back_after_a_restart()
    {
        using var client = fixture.Gateway.CreateClient();
        var servedBy = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var load = Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await client.PostAsJsonAsync("/v2/models/mlp/infer", Request, CancellationToken.None);
                if (response.IsSuccessStatusCode)
                {
                    servedBy.Enqueue(response.Headers.GetValues(FailoverForwarder.ServedByHeader).Single());
                }
                else
                {
                    failures.Enqueue($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(CancellationToken.None)}");
                }
            }
        }));
        try
        {
            await WaitUntilAsync(() => servedBy.Contains("aws"));
            await fixture.StopInferenceAsync("aws");
            servedBy.Clear();
            await WaitUntilAsync(() => servedBy.Count(cloud => cloud != "aws") >= 20);
            await fixture.StartInferenceAsync("aws");
            servedBy.Clear();
            await WaitUntilAsync(() => servedBy.Count(cloud => cloud == "aws") >= 20);
        }
        finally
        {
            await stop.CancelAsync();
            await load;
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task The_weighted_policy_spreads_requests_over_every_ready_cloud()
    {
        await using var weighted = await fixture.StartGatewayAsync(new Dictionary<string, string?> { ["Gateway:Policy"] = "Weighted" });
        using var client = weighted.CreateClient();

        var clouds = new HashSet<string>();
        for (var i = 0; i < 60 && clouds.Count < 3; i++)
        {
            using var response = await client.PostAsJsonAsync("/v2/models/mlp/infer", Request, Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            clouds.Add(response.Headers.GetValues(FailoverForwarder.ServedByHeader).Single());
        }

        Assert.Equal(["aws", "azure", "gcp"], clouds.Order());
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!condition())
        {
            await Task.Delay(50, deadline.Token);
        }
    }
}
