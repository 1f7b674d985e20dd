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
public sealed class ModelSchedulerTests : IDisposable
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

    private static async Task<(string? Name, bool PoolThread)> Continuation(Task<IReadOnlyList<TensorData>> scheduled)
    {
        await scheduled.ConfigureAwait(false);
        return (Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread);
    }

    private static InferenceRequest Request(int rows)
    {
        var values = Enumerable.Range(0, rows * Inputs).Select(i => i % 7 / 7f).ToArray();
        return new InferenceRequest
        {
            Inputs = [TensorData.Fixed("input", DataType.Fp32, [rows, Inputs], MemoryMarshal.AsBytes(values.AsSpan()).ToArray())],
            BatchSize = rows,
        };
    }

    public void Dispose()
    {
        _scheduler.StopAsync().Wait(Timeout);
        _model.Dispose();
        File.Delete(_path);
    }
}
