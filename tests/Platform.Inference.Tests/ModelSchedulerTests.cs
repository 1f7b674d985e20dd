using System.Runtime.InteropServices;
using Platform.Inference.Metrics;
using Platform.Inference.Protocol;
using Platform.Inference.Runtime;

namespace Platform.Inference.Tests;

/// <summary>
/// Where the dynamic batcher completes requests: on its worker's own thread when nothing else waits (the answer is written
/// there at once), on the thread pool while other requests wait (so that the next run does not wait for the answers).
/// A real ONNX Runtime session runs the MLP; each test awaits without the test's context, so that a continuation runs on
/// whichever thread completed the request.
/// </summary>
public sealed class ModelSchedulerTests : IAsyncDisposable
{
    private const int Inputs = 256;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"platform-scheduler-{Guid.NewGuid():N}.onnx");
    private readonly OnnxModel _model;
    private readonly ModelScheduler _scheduler;

    public ModelSchedulerTests()
    {
        File.WriteAllBytes(_path, SampleModels.SampleModels.Mlp(Inputs, [1024, 1024], 10, seed: 3));
        var options = new RuntimeOptions { IntraOpThreads = 1, MaxBatchSize = 1 };
        _model = OnnxModel.Load(_path, options);
        _scheduler = new ModelScheduler(_model, options, new ModelStatistics("mlp", "1"));
    }

    [Fact]
    public async Task A_request_completed_when_none_waits_continues_on_the_worker_thread()
    {
        // Thousands of rows, so that the run is still going when the continuation is attached.
        var scheduled = _scheduler.ScheduleAsync(Request(rows: 4096), TestContext.Current.CancellationToken);

        var thread = await Continuation(scheduled).WaitAsync(Timeout, TestContext.Current.CancellationToken);

        var outputs = await scheduled;
        Assert.Equal(("Inference worker", false), thread);
        Assert.Equal([4096L, 10L], outputs.Single().Shape);
    }

    [Fact]
    public async Task While_other_requests_wait_answers_go_to_the_thread_pool_and_the_last_one_stays_on_the_worker()
    {
        // The first request is long enough (thousands of rows) for the other two to be queued while it runs.
        var first = Continuation(_scheduler.ScheduleAsync(Request(rows: 4096), TestContext.Current.CancellationToken));
        var second = Continuation(_scheduler.ScheduleAsync(Request(rows: 1), TestContext.Current.CancellationToken));
        var third = Continuation(_scheduler.ScheduleAsync(Request(rows: 1), TestContext.Current.CancellationToken));

        var threads = await Task.WhenAll(first, second, third).WaitAsync(Timeout, TestContext.Current.CancellationToken);

        Assert.True(threads[0].PoolThread, $"The first answer continued on '{threads[0].Name}', not on the thread pool.");
        Assert.True(threads[1].PoolThread, $"The second answer continued on '{threads[1].Name}', not on the thread pool.");
        Assert.Equal(("Inference worker", false), threads[2]);
    }

    [Fact]
    public async Task A_request_whose_client_goes_while_the_worker_drops_a_cancelled_one_is_still_answered()
    {
        var options = new RuntimeOptions { IntraOpThreads = 1, MaxBatchSize = 8, MaxQueueDelay = TimeSpan.FromMilliseconds(300) };
        using var model = OnnxModel.Load(_path, options);
        var scheduler = new ModelScheduler(model, options, new ModelStatistics("mlp", "1"));
        using var stays = new CancellationTokenSource();
        using var gone = new CancellationTokenSource();
        await gone.CancelAsync();
        try
        {
            // One batch of two: the second's client has gone, and the first's goes while the worker drops the second (the
            // dropped request's caller code runs on the worker's thread, as a handler's does).
            var first = scheduler.ScheduleAsync(Request(rows: 1, batchKey: "mlp"), stays.Token);
            var dropped = scheduler.ScheduleAsync(Request(rows: 1, batchKey: "mlp"), gone.Token);
            _ = dropped.ContinueWith(_ => stays.Cancel(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dropped.WaitAsync(Timeout, TestContext.Current.CancellationToken));
            // Decided to run before its client went: it gets its answer, rather than waiting for ever.
            var outputs = await first.WaitAsync(Timeout, TestContext.Current.CancellationToken);
            Assert.Equal([1L, 10L], outputs.Single().Shape);
        }
        finally
        {
            await scheduler.StopAsync().WaitAsync(Timeout, TestContext.Current.CancellationToken);
        }
    }

    private static async Task<(string? Name, bool PoolThread)> Continuation(Task<IReadOnlyList<TensorData>> scheduled)
    {
        await scheduled.ConfigureAwait(false);
        return (Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread);
    }

    private static InferenceRequest Request(int rows, string? batchKey = null)
    {
        var values = Enumerable.Range(0, rows * Inputs).Select(i => i % 7 / 7f).ToArray();
        return new InferenceRequest
        {
            Inputs = [TensorData.Fixed("input", DataType.Fp32, [rows, Inputs], MemoryMarshal.AsBytes(values.AsSpan()).ToArray())],
            BatchSize = rows,
            BatchKey = batchKey,
        };
    }

    /// <summary>
    /// Awaited, not waited on: a test that ends on the worker's own thread (where its answer continued) disposes there, and
    /// blocking that thread until the worker stops would wait out the whole timeout.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _scheduler.StopAsync().WaitAsync(Timeout);
        _model.Dispose();
        File.Delete(_path);
    }
}
