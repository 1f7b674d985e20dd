using System.Net;
using System.Text.Json.Nodes;
using Platform.Inference.Tests.Hosting;
using static Platform.Inference.Tests.Hosting.OipClient;

namespace Platform.Inference.Tests;

/// <summary>
/// One server with <c>counted</c>, an MLP that batches up to 64 rows waiting up to 300 ms for company, and <c>unbatched</c>,
/// the same MLP run request by request. Each test reads the statistics of its own model, so the counts are its own.
/// </summary>
public sealed class StatisticsFixture : ServedModelsFixture
{
    public static readonly byte[] Mlp = SampleModels.SampleModels.Mlp(4, [16], 3, seed: 11);

    protected override void Declare(ModelFolder models)
    {
        models.Add("counted", Mlp);
        models.Set("Inference:Models:counted:MaxBatchSize", "64");
        models.Set("Inference:Models:counted:MaxQueueDelay", "00:00:00.300");
        models.Add("unbatched", Mlp, version: "4");
        models.Set("Inference:Models:unbatched:MaxBatchSize", "1");
    }
}

/// <summary>Triton's statistics extension: <c>GET /v2/models[/{name}[/versions/{v}]]/stats</c>.</summary>
public sealed class StatisticsTests(StatisticsFixture fixture) : IClassFixture<StatisticsFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Statistics_count_requests_rows_runs_and_each_batch_size_with_their_times()
    {
        var idle = Assert.Single(await StatsAsync("/v2/models/counted/stats"))!;
        Assert.Equal(("counted", "1", 0L, 0L, 0L), (idle["name"]!.GetValue<string>(), idle["version"]!.GetValue<string>(),
            idle["last_inference"]!.GetValue<long>(), idle["inference_count"]!.GetValue<long>(), idle["execution_count"]!.GetValue<long>()));
        Assert.Empty(idle["batch_stats"]!.AsArray());

        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        // Three rows in one request, alone: a run of 3. Then 8 single rows at once, which share runs. Then one bad request.
        var three = Enumerable.Range(0, 12).Select(i => (float)i).ToArray();
        await (await Client.InferAsync("counted", Request(Input("input", "FP32", [3, 4], Array(three))))).ReadJsonAsync();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
            await (await Client.InferAsync("counted", Request(Input("input", "FP32", [1, 4], Array(new[] { i, 1f, 2f, 3f }))))).ReadJsonAsync()));
        await (await Client.InferAsync("counted", Request(Input("input", "INT32", [1, 4], Array(new[] { 1, 2, 3, 4 }))))).ReadErrorAsync();
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var stat = Assert.Single(await StatsAsync("/v2/models/counted/stats"))!;
        Assert.InRange(stat["last_inference"]!.GetValue<long>(), before, after);
        Assert.Equal(11, stat["inference_count"]!.GetValue<long>());
        var inference = stat["inference_stats"]!;
        Assert.Equal(9, Count(inference["success"]!));
        Assert.True(Nanoseconds(inference["success"]!) > 0);
        Assert.Equal(1, Count(inference["fail"]!));
        Assert.True(Nanoseconds(inference["fail"]!) > 0);
        foreach (var phase in new[] { "queue", "compute_input", "compute_infer", "compute_output" })
        {
            Assert.True(Count(inference[phase]!) == 9, $"{phase} counts every request that ran");
            Assert.True(Nanoseconds(inference[phase]!) > 0, $"{phase} has taken some time");
        }
        Assert.Equal((0, 0), (Count(inference["cache_hit"]!), Nanoseconds(inference["cache_hit"]!)));

        // Every run is in exactly one batch size, and the sizes add up to the rows.
        var batches = stat["batch_stats"]!.AsArray().Select(batch => batch!).ToList();
        Assert.Contains(batches, batch => batch["batch_size"]!.GetValue<long>() == 3);
        var runs = batches.Sum(batch => Count(batch["compute_infer"]!));
        Assert.Equal(stat["execution_count"]!.GetValue<long>(), runs);
        Assert.InRange(runs, 2, 9);
        Assert.Equal(11, batches.Sum(batch => batch["batch_size"]!.GetValue<long>() * Count(batch["compute_infer"]!)));
        Assert.All(batches, batch => Assert.Equal(Count(batch["compute_infer"]!), Count(batch["compute_input"]!)));
        Assert.Equal(batches.Select(batch => batch["batch_size"]!.GetValue<long>()).Order(), batches.Select(batch => batch["batch_size"]!.GetValue<long>()));

        // /metrics counts the same, in microseconds.
        var metrics = await Client.GetStringAsync("/metrics", Cancellation);
        foreach (var phase in new[] { "input", "infer", "output" })
        {
            Assert.Equal(Nanoseconds(inference[$"compute_{phase}"]!) / 1000, Counter(metrics, $"nv_inference_compute_{phase}_duration_us", "counted"));
        }
        Assert.Equal(Nanoseconds(inference["queue"]!) / 1000, Counter(metrics, "nv_inference_queue_duration_us", "counted"));
        Assert.Equal(Nanoseconds(inference["success"]!) / 1000, Counter(metrics, "nv_inference_request_duration_us", "counted"));
    }

    [Fact]
    public async Task Every_model_is_listed_and_one_version_can_be_asked_for()
    {
        var all = await StatsAsync("/v2/models/stats");
        Assert.Equal([("counted", "1"), ("unbatched", "4")], all.Select(stat => (stat!["name"]!.GetValue<string>(), stat["version"]!.GetValue<string>())));

        await (await Client.InferAsync("unbatched", Request(Input("input", "FP32", [2, 4], Array(new[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f }))))).ReadJsonAsync();
        var version = Assert.Single(await StatsAsync("/v2/models/unbatched/versions/4/stats"))!;
        Assert.Equal(2, version["inference_count"]!.GetValue<long>());
        Assert.Equal(2, Assert.Single(version["batch_stats"]!.AsArray())!["batch_size"]!.GetValue<long>());

        var metadata = await (await Client.GetAsync("/v2", Cancellation)).ReadJsonAsync();
        Assert.Contains("statistics", metadata["extensions"]!.AsArray().Select(extension => extension!.GetValue<string>()));
    }

    [Theory]
    [InlineData("/v2/models/nothing-here/stats", "nothing-here")]
    [InlineData("/v2/models/counted/versions/2/stats", "2")]
    [InlineData("/v2/models/nothing-here/versions/1/stats", "nothing-here")]
    public async Task An_unknown_model_or_version_gets_404(string path, string named)
    {
        var message = await (await Client.GetAsync(path, Cancellation)).ReadErrorAsync(HttpStatusCode.NotFound);
        Assert.Contains(named, message);
    }

    [Fact]
    public void Batch_sizes_beyond_the_tables_limit_count_in_the_totals_only()
    {
        var statistics = new Metrics.ModelStatistics("many-sizes", "1");
        var phases = new Runtime.RunPhases(TimeSpan.FromTicks(1), TimeSpan.FromTicks(2), TimeSpan.FromTicks(3));
        var sizes = Enumerable.Range(1, Metrics.ModelStatistics.MaxBatchSizes + 100).ToList();

        foreach (var size in sizes.Append(1))
        {
            statistics.Executed(size, requests: 1, phases);
        }

        Assert.Equal(sizes.Count + 1, statistics.Executions);
        Assert.Equal(sizes.Sum(size => (long)size) + 1, statistics.Inferences);
        Assert.Equal(Enumerable.Range(1, Metrics.ModelStatistics.MaxBatchSizes).Select(size => (long)size), statistics.Batches.Select(batch => batch.Size));
        Assert.Equal(new Metrics.DurationStatistic(2, 400), statistics.Batches[0].ComputeInfer);
    }

    private async Task<List<JsonNode?>> StatsAsync(string path) =>
        (await (await Client.GetAsync(path, Cancellation)).ReadJsonAsync())["model_stats"]!.AsArray().ToList();

    private static long Count(JsonNode duration) => duration["count"]!.GetValue<long>();

    private static long Nanoseconds(JsonNode duration) => duration["ns"]!.GetValue<long>();
}
