using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Platform.Gateway.Apis;
using Platform.Gateway.Routing;
using Platform.Testing;

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
    public async Task Statistics_of_every_model_and_of_one_model_come_from_a_cloud_that_serves_it()
    {
        using var client = fixture.Gateway.CreateClient();

        using var all = await client.GetAsync("/v2/models/stats", Cancellation);
        using var one = await client.GetAsync("/v2/models/only-gcp/stats", Cancellation);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (all.StatusCode, one.StatusCode));
        Assert.Equal(("aws", "gcp"), (all.Headers.GetValues(FailoverForwarder.ServedByHeader).Single(), one.Headers.GetValues(FailoverForwarder.ServedByHeader).Single()));
        using var body = JsonDocument.Parse(await all.Content.ReadAsStringAsync(Cancellation));
        Assert.Contains("mlp", body.RootElement.GetProperty("model_stats").EnumerateArray().Select(stat => stat.GetProperty("name").GetString()));
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
        var traffic = new Traffic(client);
        try
        {
            await WaitUntilAsync(() => traffic.ServedBy.Contains("aws"));
            await fixture.StopInferenceAsync("aws");
            traffic.ServedBy.Clear();
            await WaitUntilAsync(() => traffic.ServedBy.Count(cloud => cloud != "aws") >= 20);
            await fixture.StartInferenceAsync("aws");
            traffic.ServedBy.Clear();
            await WaitUntilAsync(() => traffic.ServedBy.Count(cloud => cloud == "aws") >= 20);
        }
        finally
        {
            await traffic.StopAsync();
        }

        Assert.Empty(traffic.Failures);
    }

    [Fact]
    public async Task A_cloud_that_hangs_mid_request_is_routed_around_without_a_failed_request()
    {
        // aws as a process of its own, so that it can be frozen (SIGSTOP): its port still accepts connections and nothing
        // answers, neither requests under way nor probes. Those requests must move to another cloud once aws is marked
        // down, not wait out the request timeout.
        var cache = Directory.CreateTempSubdirectory("platform-gateway-frozen-").FullName;
        await using var aws = await ServiceProcess.StartAsync("services/Inference", "Platform.Inference", new Dictionary<string, string?>
        {
            ["Inference:Models:mlp:Path"] = fixture.ModelPath,
            ["Inference:CacheDirectory"] = cache,
        });
        await aws.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
        await using var gateway = await fixture.StartGatewayAsync(new Dictionary<string, string?>
        {
            ["Gateway:PreferredCloud"] = "aws",
            ["Gateway:Policy"] = "NearestFirst",
            ["Gateway:Clouds:aws:Url"] = aws.BaseAddress.ToString().TrimEnd('/'),
        });
        using var client = gateway.CreateClient();
        var traffic = new Traffic(client);
        try
        {
            await WaitUntilAsync(() => traffic.ServedBy.Contains("aws"));
            await SignalAsync("STOP", aws.ProcessId);
            try
            {
                traffic.ServedBy.Clear();
                await WaitUntilAsync(() => traffic.ServedBy.Count(cloud => cloud != "aws") >= 20);
            }
            finally
            {
                await SignalAsync("CONT", aws.ProcessId);
            }
            traffic.ServedBy.Clear();
            await WaitUntilAsync(() => traffic.ServedBy.Count(cloud => cloud == "aws") >= 20);
        }
        finally
        {
            await traffic.StopAsync();
            Directory.Delete(cache, recursive: true);
        }

        Assert.Empty(traffic.Failures);
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

    [Fact]
    public async Task A_cloud_set_to_http2_is_probed_and_served_over_http2_and_one_not_set_so_is_left_out()
    {
        // aws's URL is its HTTP/2-only endpoint, which refuses HTTP/1.1 (400): only the setting makes it usable.
        await using var http2 = await fixture.StartGatewayAsync(new Dictionary<string, string?>
        {
            ["Gateway:PreferredCloud"] = "aws",
            ["Gateway:Clouds:aws:Url"] = fixture.Http2Url("aws"),
            ["Gateway:Clouds:aws:Http2"] = "true",
        });
        await using var http1 = await fixture.StartGatewayAsync(new Dictionary<string, string?>
        {
            ["Gateway:PreferredCloud"] = "aws",
            ["Gateway:Clouds:aws:Url"] = fixture.Http2Url("aws"),
        });
        await fixture.WaitUntilEveryCloudAnswersAsync(http2);

        using (var client = http2.CreateClient())
        {
            for (var i = 0; i < 20; i++)
            {
                using var response = await client.PostAsJsonAsync("/v2/models/mlp/infer", Request, Cancellation);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("aws", response.Headers.GetValues(FailoverForwarder.ServedByHeader).Single());
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
                Assert.Equal(3, body.RootElement.GetProperty("outputs")[0].GetProperty("data").GetArrayLength());
            }
        }
        using (var client = http1.CreateClient())
        {
            // Every cloud starts out live, until its first probe says otherwise.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            while ((await client.GetFromJsonAsync<CloudStatus[]>("/gateway/clouds", timeout.Token))!.Single(cloud => cloud.Cloud == "aws").Live)
            {
                await Task.Delay(50, timeout.Token);
            }
            using var response = await client.PostAsJsonAsync("/v2/models/mlp/infer", Request, Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.NotEqual("aws", response.Headers.GetValues(FailoverForwarder.ServedByHeader).Single());
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_larger_than_the_gateway_keeps_to_send_again_gets_413_with_the_limit(bool withLength)
    {
        await using var small = await fixture.StartGatewayAsync(new Dictionary<string, string?> { ["Gateway:MaxRetriedBodyBytes"] = "64" });
        using var client = small.CreateClient();
        var json = JsonSerializer.Serialize(Request);
        Assert.True(json.Length > 64);
        using HttpContent content = withLength
            ? new StringContent(json, System.Text.Encoding.UTF8, "application/json")
            // No Content-Length (a stream of unknown length): sent chunked, so the gateway finds out only as it reads.
            : new StreamContent(Unsized(System.Text.Encoding.UTF8.GetBytes(json))) { Headers = { ContentType = new("application/json") } };

        using var response = await client.PostAsync("/v2/models/mlp/infer", content, Cancellation);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(withLength, response.RequestMessage!.Content!.Headers.ContentLength is not null);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        Assert.Contains("64 bytes", body.RootElement.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("4096", true)]
    [InlineData("4096", false)]
    public async Task A_large_body_arrives_whole_whether_kept_in_memory_or_in_a_temporary_file(string? inMemoryBytes, bool withLength)
    {
        var settings = new Dictionary<string, string?>();
        if (inMemoryBytes is not null)
        {
            settings["Gateway:InMemoryBodyBytes"] = inMemoryBytes;
        }
        await using var gateway = await fixture.StartGatewayAsync(settings);
        await fixture.WaitUntilEveryCloudAnswersAsync(gateway);

        using var gatewayClient = gateway.CreateClient();
        using var throughGateway = await gatewayClient.PostAsync("/v2/models/mlp/infer", LargeRequest.Content(withLength), Cancellation);
        using var directClient = fixture.Inference["aws"]!.CreateClient();
        using var direct = await directClient.PostAsync("/v2/models/mlp/infer", LargeRequest.Content(sized: true), Cancellation);

        Assert.Equal(HttpStatusCode.OK, throughGateway.StatusCode);
        Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        Assert.Equal(await LargeRequest.OutputsAsync(direct), await LargeRequest.OutputsAsync(throughGateway));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("4096")]
    public async Task A_large_body_the_first_cloud_refuses_is_sent_whole_again_to_the_next(string? inMemoryBytes)
    {
        // A gateway not yet asked for only-gcp has not probed the clouds for it, so aws, the preferred cloud, is tried first
        // and answers 404 (no such model there), and so may azure if it answers probes faster than gcp: the kept body, in
        // memory or in its file, is sent again to each next cloud, whole.
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:PreferredCloud"] = "aws",
            ["Gateway:Policy"] = "NearestFirst",
        };
        if (inMemoryBytes is not null)
        {
            settings["Gateway:InMemoryBodyBytes"] = inMemoryBytes;
        }
        await using var gateway = await fixture.StartGatewayAsync(settings);
        await fixture.WaitUntilEveryCloudAnswersAsync(gateway);
        using var failovers = new MetricCollector<long>(gateway.Services.GetRequiredService<IMeterFactory>(), "Platform.Gateway", "platform.gateway.failovers");

        using var gatewayClient = gateway.CreateClient();
        using var throughGateway = await gatewayClient.PostAsync("/v2/models/only-gcp/infer", LargeRequest.Content(sized: true), Cancellation);
        using var directClient = fixture.Inference["gcp"]!.CreateClient();
        using var direct = await directClient.PostAsync("/v2/models/only-gcp/infer", LargeRequest.Content(sized: true), Cancellation);

        Assert.Equal(HttpStatusCode.OK, throughGateway.StatusCode);
        Assert.Equal("gcp", throughGateway.Headers.GetValues(FailoverForwarder.ServedByHeader).Single());
        Assert.Equal(await LargeRequest.OutputsAsync(direct), await LargeRequest.OutputsAsync(throughGateway));
        var failedOver = failovers.GetMeasurementSnapshot();
        Assert.NotEmpty(failedOver);
        Assert.Equal("aws", failedOver[0].Tags["cloud"]);
        Assert.All(failedOver, failover => Assert.Equal("HTTP 404", failover.Tags["reason"]));
        Assert.DoesNotContain(failedOver, failover => Equals(failover.Tags["cloud"], "gcp"));
    }

    /// <summary>
    /// 20,000 rows of the MLP's four inputs as binary data: 320 KB, several of Kestrel's blocks, of the kept body's blocks and
    /// of its file's writes.
    /// </summary>
    private static class LargeRequest
    {
        private const int Rows = 20_000;

        private static readonly byte[] Header = System.Text.Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            inputs = new[] { new { name = "input", shape = new[] { Rows, 4 }, datatype = "FP32", parameters = new { binary_data_size = Rows * 4 * sizeof(float) } } },
        }));

        private static readonly byte[] Body =
            [.. Header, .. System.Runtime.InteropServices.MemoryMarshal.AsBytes(Enumerable.Range(0, Rows * 4).Select(i => i % 13 / 13f).ToArray().AsSpan())];

        /// <summary>With its length, or streamed chunked (no Content-Length).</summary>
        public static HttpContent Content(bool sized)
        {
            HttpContent content = sized ? new ByteArrayContent(Body) : new StreamContent(Unsized(Body));
            content.Headers.ContentType = new("application/octet-stream");
            content.Headers.Add("Inference-Header-Content-Length", Header.Length.ToString());
            return content;
        }

        /// <summary>The answer's one output, as JSON text, after checking it has a value for every row.</summary>
        public static async Task<string> OutputsAsync(HttpResponseMessage response)
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
            var output = json.RootElement.GetProperty("outputs")[0];
            Assert.Equal(Rows * 3, output.GetProperty("data").GetArrayLength());
            return output.GetRawText();
        }
    }

    private static Stream Unsized(byte[] bytes)
    {
        var pipe = new System.IO.Pipelines.Pipe();
        System.Buffers.BuffersExtensions.Write(pipe.Writer, bytes);
        pipe.Writer.Complete();
        return pipe.Reader.AsStream();
    }

    private static async Task SignalAsync(string signal, int processId)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", processId.ToString()]);
        await kill.WaitForExitAsync(Cancellation);
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Four clients sending inference requests through the gateway one after another until stopped, recording who served each.</summary>
    private sealed class Traffic
    {
        private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        private readonly Task _load;

        public Traffic(HttpClient client) =>
            _load = Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    using var response = await client.PostAsJsonAsync("/v2/models/mlp/infer", Request, CancellationToken.None);
                    if (response.IsSuccessStatusCode)
                    {
                        ServedBy.Enqueue(response.Headers.GetValues(FailoverForwarder.ServedByHeader).Single());
                    }
                    else
                    {
                        Failures.Enqueue($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(CancellationToken.None)}");
                    }
                }
            }));

        public System.Collections.Concurrent.ConcurrentQueue<string> ServedBy { get; } = new();

        public System.Collections.Concurrent.ConcurrentQueue<string> Failures { get; } = new();

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _load;
            _stop.Dispose();
        }
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
