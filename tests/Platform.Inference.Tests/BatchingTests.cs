using System.Net;
using Microsoft.Extensions.Options;
using Platform.Inference.Tests.Hosting;
using static Platform.Inference.Tests.Hosting.OipClient;

namespace Platform.Inference.Tests;

/// <summary>
/// One server whose <c>batched</c> MLP waits up to 500 ms for requests to join a batch of up to 64 rows, whose
/// <c>narrow</c> MLP has a queue of one request, runs no batches and takes a while per run, and whose <c>slow</c> MLP (a
/// wider one) batches up to 8 rows, waiting up to two seconds, on one thread; <c>configured</c> (the small MLP again) has
/// two instances and spinning threads, for the configuration extension to report; <c>strings</c> returns its BYTES input and
/// batches up to 16 rows, waiting up to 500 ms.
/// </summary>
public sealed class BatchingFixture : ServedModelsFixture
{
    public static readonly byte[] Mlp = SampleModels.SampleModels.Mlp(4, [16], 3, seed: 5);

    protected override void Declare(ModelFolder models)
    {
        models.Add("batched", Mlp);
        models.Set("Inference:Models:batched:MaxBatchSize", "64");
        models.Set("Inference:Models:batched:MaxQueueDelay", "00:00:00.500");
        models.Add("narrow", SampleModels.SampleModels.Mlp(256, [1024, 1024], 10));
        models.Set("Inference:Models:narrow:MaxBatchSize", "1");
        models.Set("Inference:Models:narrow:MaxQueueSize", "1");
        models.Set("Inference:Models:narrow:IntraOpThreads", "1");
        models.Add("slow", SampleModels.SampleModels.Mlp(256, [2048, 2048], 10));
        models.Set("Inference:Models:slow:MaxBatchSize", "8");
        models.Set("Inference:Models:slow:MaxQueueDelay", "00:00:02");
        models.Set("Inference:Models:slow:IntraOpThreads", "1");
        // Settings for the configuration extension to report, and for ONNX Runtime to accept (spinning on).
        models.Add("configured", Mlp);
        models.Set("Inference:Models:configured:MaxQueueDelay", "00:00:00.500");
        models.Set("Inference:Models:configured:MaxBatchSize", "64");
        models.Set("Inference:Models:configured:AllowSpinning", "true");
        models.Set("Inference:Models:configured:Instances", "2");
        models.Add("strings", TestGraphs.Identity(Protocol.DataType.Bytes));
        models.Set("Inference:Models:strings:MaxBatchSize", "16");
        models.Set("Inference:Models:strings:MaxQueueDelay", "00:00:00.500");
        models.Add("shapes", TestGraphs.Identity(Protocol.DataType.Fp32));
        models.Set("Inference:Models:shapes:MaxQueueDelay", "00:00:00.200");
    }
}

public sealed class BatchingTests(BatchingFixture fixture) : IClassFixture<BatchingFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task The_configuration_extension_says_how_each_model_runs()
    {
        var configured = await (await Client.GetAsync("/v2/models/configured/config", Cancellation)).ReadJsonAsync();
        Assert.Equal(("configured", "1", 64), (configured["name"]!.GetValue<string>(), configured["version"]!.GetValue<string>(), configured["max_batch_size"]!.GetValue<int>()));
        Assert.Equal(("onnxruntime_onnx", "onnxruntime"), (configured["platform"]!.GetValue<string>(), configured["backend"]!.GetValue<string>()));
        Assert.Equal(500_000, configured["dynamic_batching"]!["max_queue_delay_microseconds"]!.GetValue<long>());
        Assert.Equal(256, configured["dynamic_batching"]!["default_queue_policy"]!["max_queue_size"]!.GetValue<int>());
        Assert.Equal((2, "KIND_CPU"), (configured["instance_group"]![0]!["count"]!.GetValue<int>(), configured["instance_group"]![0]!["kind"]!.GetValue<string>()));
        Assert.Equal("true", configured["parameters"]!["allow_spinning"]!["string_value"]!.GetValue<string>());
        // And ONNX Runtime runs it with those settings.
        var row = new[] { 1f, 2f, 3f, 4f };
        var answer = await (await Client.InferAsync("configured", Request(Input("input", "FP32", [1, 4], Array(row))))).ReadJsonAsync();
        Assert.Equal(DirectOnnx.Run(BatchingFixture.Mlp, "input", row, [1, 4], "output"), Floats(Output(answer, "output")), new FloatTolerance());

        // MaxBatchSize 1: no batching, so Triton's max_batch_size 0 and no dynamic_batching key; the queue limit is still
        // a parameter; idle threads sleep unless asked.
        var narrow = await (await Client.GetAsync("/v2/models/narrow/versions/1/config", Cancellation)).ReadJsonAsync();
        Assert.Equal(0, narrow["max_batch_size"]!.GetValue<int>());
        Assert.False(narrow.AsObject().ContainsKey("dynamic_batching"));
        Assert.Equal("1", narrow["parameters"]!["max_queue_size"]!["string_value"]!.GetValue<string>());
        Assert.Equal("1", narrow["parameters"]!["intra_op_thread_count"]!["string_value"]!.GetValue<string>());
        Assert.Equal("false", narrow["parameters"]!["allow_spinning"]!["string_value"]!.GetValue<string>());

        using var unknown = await Client.GetAsync("/v2/models/nothing-here/config", Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("nothing-here", (await unknown.ReadJsonAsync(HttpStatusCode.NotFound))["error"]!.GetValue<string>());
        using var otherVersion = await Client.GetAsync("/v2/models/narrow/versions/7/config", Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, otherVersion.StatusCode);
    }

    [Fact]
    public async Task Concurrent_requests_run_in_fewer_batches_and_each_gets_its_own_rows()
    {
        const int requests = 48;
        var rows = Enumerable.Range(0, requests).Select(i => new[] { i, -i, i * 0.5f, 1f }).ToArray();
        var responses = await Task.WhenAll(rows.Select(async row =>
            await (await Client.InferAsync("batched", Request(Input("input", "FP32", [1, 4], Array(row))))).ReadJsonAsync()));

        for (var i = 0; i < requests; i++)
        {
            Assert.Equal(DirectOnnx.Run(BatchingFixture.Mlp, "input", rows[i], [1, 4], "output"), Floats(Output(responses[i], "output")), new FloatTolerance());
        }
        var metrics = await Client.GetStringAsync("/metrics", Cancellation);
        Assert.Equal(requests, Counter(metrics, "nv_inference_request_success", "batched"));
        Assert.Equal(requests, Counter(metrics, "nv_inference_count", "batched"));
        Assert.InRange(Counter(metrics, "nv_inference_exec_count", "batched"), 1, requests - 1);
        Assert.True(Counter(metrics, "nv_inference_request_duration_us", "batched") > 0);
        Assert.True(Counter(metrics, "nv_inference_compute_infer_duration_us", "batched") > 0);
        Assert.True(Counter(metrics, "nv_inference_queue_duration_us", "batched") > 0);
    }

    [Fact]
    public async Task Requests_with_different_shapes_are_not_mixed_into_one_batch()
    {
        var responses = await Task.WhenAll(Enumerable.Range(1, 6).Select(async width =>
        {
            var data = Enumerable.Range(0, width).Select(i => (float)(width * 10 + i)).ToArray();
            var response = await (await Client.InferAsync("shapes", Request(Input("input", "FP32", [1, width], Array(data))))).ReadJsonAsync();
            return (data, response);
        }));
        foreach (var (data, response) in responses)
        {
            Assert.Equal(data, Floats(Output(response, "output")));
        }
    }

    [Fact]
    public async Task Requests_of_several_rows_batched_together_each_get_their_own_rows_back_strings_too()
    {
        var metrics = await Client.GetStringAsync("/metrics", Cancellation);
        var (rowsBefore, runsBefore) = (Counter(metrics, "nv_inference_count", "strings"), Counter(metrics, "nv_inference_exec_count", "strings"));

        // Three requests of 1, 2 and 3 rows, sent together: the batcher stacks them into one run of 6 rows and splits the
        // output back, so each request must get exactly its own rows, in order.
        var responses = await Task.WhenAll(Enumerable.Range(1, 3).Select(async rows =>
        {
            var data = Enumerable.Range(0, rows * 2).Select(i => $"request {rows}, element {i}").ToArray();
            var response = await (await Client.InferAsync("strings", Request(Input("input", "BYTES", [rows, 2], Array(data))))).ReadJsonAsync();
            return (rows, data, response);
        }));

        foreach (var (rows, data, response) in responses)
        {
            var output = Output(response, "output");
            Assert.Equal([rows, 2L], output["shape"]!.AsArray().Select(dimension => dimension!.GetValue<long>()));
            Assert.Equal(data, output["data"]!.AsArray().Select(element => element!.GetValue<string>()));
        }
        metrics = await Client.GetStringAsync("/metrics", Cancellation);
        Assert.Equal(6, Counter(metrics, "nv_inference_count", "strings") - rowsBefore);
        Assert.True(Counter(metrics, "nv_inference_exec_count", "strings") - runsBefore < 3, "the three requests should have shared a run");
    }

    [Fact]
    public async Task Requests_beyond_a_full_queue_get_429_at_once_and_the_rest_succeed()
    {
        var request = Request(Input("input", "FP32", [64, 256], Array(Enumerable.Repeat(0.5f, 64 * 256)))).ToJsonString();
        var statuses = new List<HttpStatusCode>();
        // A queue of one behind a slow run fills as soon as a few requests arrive together; a few rounds make that certain.
        for (var round = 0; round < 10 && !statuses.Contains(HttpStatusCode.TooManyRequests); round++)
        {
            var responses = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => Client.InferAsync("narrow", request)));
            foreach (var response in responses)
            {
                statuses.Add(response.StatusCode);
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    Assert.Contains("queue is full", await response.ReadErrorAsync(HttpStatusCode.TooManyRequests));
                }
            }
        }
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.All(statuses, status => Assert.True(status is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, status.ToString()));
        var metrics = await Client.GetStringAsync("/metrics", Cancellation);
        Assert.Matches("nv_inference_request_failure\\{model=\"narrow\",reason=\"REJECTED\",version=\"1\"\\} [1-9]", metrics);
        // Every request answered, none refused left counted: nothing is pending.
        Assert.Equal(0, Counter(metrics, "nv_inference_pending_request_count", "narrow"));
    }

    [Fact]
    public async Task A_request_that_waited_through_a_run_still_waits_for_company_once_the_worker_is_free()
    {
        var before = await Client.GetStringAsync("/metrics", Cancellation);
        // 32,768 rows (about 310 GFLOP on one thread, some 5 s here) keep the worker busy past the head start and the
        // two-second delay, so a delay counted from the waiting row's arrival would have run it alone as the run ended;
        // the head start covers sending and parsing the 32 MiB body on a loaded machine, so the long run is the one that runs
        // first. The delay leaves two seconds for the next request to arrive once the run has answered: one second was too
        // little in CI, on two cores shared with the other tests.
        var longRun = SendRowsAsync(32_768);
        await Task.Delay(1500, Cancellation);
        var waiting = SendRowsAsync(1);
        // The single row waits behind the run (Triton's pending-request gauge shows it) until the run ends and the delay has passed.
        await Eventually.HoldsAsync(async () => await PendingAsync() == 1, InferenceServer.ReadyTimeout, "the single row to be pending");
        using (var finished = await longRun)
        {
            Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
        }
        // Sent only once the long run has answered: it can join the waiting row only if the delay counts from the free worker.
        using var joining = await SendRowsAsync(1);
        using var waited = await waiting;

        Assert.Equal(HttpStatusCode.OK, waited.StatusCode);
        Assert.Equal(HttpStatusCode.OK, joining.StatusCode);
        var after = await Client.GetStringAsync("/metrics", Cancellation);
        Assert.Equal(32_770, Counter(after, "nv_inference_count", "slow") - Counter(before, "nv_inference_count", "slow"));
        Assert.Equal(2, Counter(after, "nv_inference_exec_count", "slow") - Counter(before, "nv_inference_exec_count", "slow"));
        Assert.Equal(0, Counter(after, "nv_inference_pending_request_count", "slow"));
    }

    [Fact]
    public async Task Invalid_settings_stop_the_server_at_start()
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => InferenceServer.StartAsync(new Dictionary<string, string?>
        {
            ["Inference:Models:broken:Path"] = "/nowhere.onnx",
            ["Inference:Models:broken:MaxBatchSize"] = "0",
            ["Inference:Models:Bad_Name:Reference"] = "x",
            ["Inference:LocalStore"] = "missing",
            ["Inference:RefreshInterval"] = "00:00:00",
            ["Inference:GrpcPort"] = "70000",
        }));
        Assert.Contains("MaxBatchSize", exception.Message);
        Assert.Contains("Bad_Name", exception.Message);
        Assert.Contains("LocalStore", exception.Message);
        Assert.Contains("RefreshInterval", exception.Message);
        Assert.Contains("GrpcPort", exception.Message);
    }

    private async Task<long> PendingAsync() =>
        Counter(await Client.GetStringAsync("/metrics", Cancellation), "nv_inference_pending_request_count", "slow");

    /// <summary>Sends <paramref name="rows"/> rows of 256 floats to <c>slow</c> as binary data, the output asked as binary too.</summary>
    private Task<HttpResponseMessage> SendRowsAsync(int rows) => BinaryResponse.PostAsync(Client, "slow",
        $$$"""{"inputs":[{"name":"input","datatype":"FP32","shape":[{{{rows}}},256],"parameters":{"binary_data_size":{{{rows * 256 * sizeof(float)}}}}}],"parameters":{"binary_data_output":true}}""",
        BinaryResponse.Bytes(Enumerable.Repeat(0.5f, rows * 256).ToArray()));

    /// <summary>A batched run may sum in another order than a run of one row; the results agree to float precision.</summary>
    private sealed class FloatTolerance : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= 1e-5f * Math.Max(1f, Math.Abs(x));

        public int GetHashCode(float obj) => 0;
    }
}
