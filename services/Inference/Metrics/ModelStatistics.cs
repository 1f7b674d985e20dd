using System.Collections.Concurrent;
using System.Diagnostics;
using Platform.Inference.Runtime;

namespace Platform.Inference.Metrics;

/// <summary>
/// Triton's per-model statistics for one model version, behind both <c>/metrics</c> (Prometheus, in microseconds) and Triton's
/// statistics extension (<c>/v2/models/{name}/stats</c>, in nanoseconds). Every method is safe to call from any thread.
/// </summary>
public sealed class ModelStatistics(string model, string version)
{
    /// <summary>How many batch sizes <see cref="Batches"/> keeps apart.</summary>
    public const int MaxBatchSizes = 1024;

    private readonly ConcurrentDictionary<long, BatchStatistics> _batches = new();
    private long _success;
    private long _successNanoseconds;
    private long _failureNanoseconds;
    private long _inferences;
    private long _executions;
    private long _ran;
    private long _queueNanoseconds;
    private long _inputNanoseconds;
    private long _inferNanoseconds;
    private long _outputNanoseconds;
    private long _rejected;
    private long _backend;
    private long _other;
    private long _canceled;
    private long _pending;
    private long _lastInference;

    public string Model { get; } = model;

    public string Version { get; } = version;

    /// <summary>Requests answered with outputs.</summary>
    public long Success => Interlocked.Read(ref _success);

    /// <summary>Rows inferred: a request of 8 rows counts 8 (Triton's inference count).</summary>
    public long Inferences => Interlocked.Read(ref _inferences);

    /// <summary>ONNX Runtime runs: a dynamic batch of many requests counts 1 (Triton's execution count).</summary>
    public long Executions => Interlocked.Read(ref _executions);

    /// <summary>When a request last ended (with outputs or an error), in milliseconds since the Unix epoch; 0 before the first.</summary>
    public long LastInference => Interlocked.Read(ref _lastInference);

    /// <summary>The successful requests and their time from arrival to outputs.</summary>
    public DurationStatistic Succeeded => new(Success, Interlocked.Read(ref _successNanoseconds));

    /// <summary>The failed requests (every reason) and their time from arrival to failure.</summary>
    public DurationStatistic Failed => new(Failures.Sum(failure => failure.Count), Interlocked.Read(ref _failureNanoseconds));

    /// <summary>The requests that ran, and their time in the queue.</summary>
    public DurationStatistic Queue => new(Ran, Interlocked.Read(ref _queueNanoseconds));

    /// <summary>The requests that ran, and the time their runs took to stack the inputs (a batch's whole time counts for each of its requests, as in Triton).</summary>
    public DurationStatistic ComputeInput => new(Ran, Interlocked.Read(ref _inputNanoseconds));

    /// <summary>The requests that ran, and the time their runs took to execute the model.</summary>
    public DurationStatistic ComputeInfer => new(Ran, Interlocked.Read(ref _inferNanoseconds));

    /// <summary>The requests that ran, and the time their runs took to split the outputs.</summary>
    public DurationStatistic ComputeOutput => new(Ran, Interlocked.Read(ref _outputNanoseconds));

    /// <summary>Each batch size (rows per run) that ran, with its runs' phases, by size.</summary>
    public IReadOnlyList<BatchStatistics> Batches => _batches.Values.OrderBy(batch => batch.Size).ToList();

    /// <summary>Requests queued and not yet running: waiting in the queue, or taken into a batch that waits for company.</summary>
    public long Pending => Interlocked.Read(ref _pending);

    private long Ran => Interlocked.Read(ref _ran);

    public void Queued() => Interlocked.Increment(ref _pending);

    /// <summary>Queued requests left the queue: their batch started to run, or they were given up.</summary>
    public void Dequeued(int requests = 1) => Interlocked.Add(ref _pending, -requests);

    /// <summary>Failures by Triton's reasons: REJECTED (queue full), BACKEND (the model failed), CANCELED, OTHER (the request was invalid).</summary>
    public IEnumerable<(string Reason, long Count)> Failures =>
    [
        ("REJECTED", Interlocked.Read(ref _rejected)),
        ("BACKEND", Interlocked.Read(ref _backend)),
        ("CANCELED", Interlocked.Read(ref _canceled)),
        ("OTHER", Interlocked.Read(ref _other)),
    ];

    /// <param name="startedAt">When the request arrived (<see cref="Stopwatch.GetTimestamp"/>).</param>
    public void Succeed(long startedAt)
    {
        Interlocked.Increment(ref _success);
        Interlocked.Add(ref _successNanoseconds, NanosecondsSince(startedAt));
        Ended();
    }

    /// <param name="startedAt">When the request arrived (<see cref="Stopwatch.GetTimestamp"/>).</param>
    public void Fail(FailureReason reason, long startedAt)
    {
        switch (reason)
        {
            case FailureReason.Rejected:
                Interlocked.Increment(ref _rejected);
                break;
            case FailureReason.Backend:
                Interlocked.Increment(ref _backend);
                break;
            case FailureReason.Canceled:
                Interlocked.Increment(ref _canceled);
                break;
            default:
                Interlocked.Increment(ref _other);
                break;
        }
        Interlocked.Add(ref _failureNanoseconds, NanosecondsSince(startedAt));
        Ended();
    }

    /// <summary>
    /// One session run of <paramref name="rows"/> rows for <paramref name="requests"/> requests: each request counts the
    /// run's whole phases, as in Triton. Batch sizes beyond the first <see cref="MaxBatchSizes"/> are counted in the totals
    /// only, so that clients sending every size there is cannot make the table grow without end.
    /// </summary>
    public void Executed(long rows, int requests, RunPhases phases)
    {
        Interlocked.Increment(ref _executions);
        Interlocked.Add(ref _inferences, rows);
        Interlocked.Add(ref _ran, requests);
        Interlocked.Add(ref _inputNanoseconds, requests * Nanoseconds(phases.Input));
        Interlocked.Add(ref _inferNanoseconds, requests * Nanoseconds(phases.Infer));
        Interlocked.Add(ref _outputNanoseconds, requests * Nanoseconds(phases.Output));
        if (!_batches.TryGetValue(rows, out var batch) && _batches.Count < MaxBatchSizes)
        {
            batch = _batches.GetOrAdd(rows, size => new BatchStatistics(size));
        }
        batch?.Add(phases);
    }

    /// <summary>A request that ran waited <paramref name="queued"/> in the queue.</summary>
    public void Waited(TimeSpan queued) => Interlocked.Add(ref _queueNanoseconds, Nanoseconds(queued));

    private void Ended()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var last = Interlocked.Read(ref _lastInference);
        while (now > last && Interlocked.CompareExchange(ref _lastInference, now, last) is var seen && seen != last)
        {
            last = seen;
        }
    }

    internal static long Nanoseconds(TimeSpan duration) => duration.Ticks * TimeSpan.NanosecondsPerTick;

    private static long NanosecondsSince(long timestamp) => Nanoseconds(Stopwatch.GetElapsedTime(timestamp));
}

/// <summary>How many times something happened, and how long it took in all.</summary>
public readonly record struct DurationStatistic(long Count, long Nanoseconds);

/// <summary>The runs of one batch size (rows per run): how many, and how long their phases took in all.</summary>
public sealed class BatchStatistics(long size)
{
    private long _runs;
    private long _inputNanoseconds;
    private long _inferNanoseconds;
    private long _outputNanoseconds;

    public long Size { get; } = size;

    public DurationStatistic ComputeInput => new(Runs, Interlocked.Read(ref _inputNanoseconds));

    public DurationStatistic ComputeInfer => new(Runs, Interlocked.Read(ref _inferNanoseconds));

    public DurationStatistic ComputeOutput => new(Runs, Interlocked.Read(ref _outputNanoseconds));

    private long Runs => Interlocked.Read(ref _runs);

    public void Add(RunPhases phases)
    {
        Interlocked.Add(ref _inputNanoseconds, ModelStatistics.Nanoseconds(phases.Input));
        Interlocked.Add(ref _inferNanoseconds, ModelStatistics.Nanoseconds(phases.Infer));
        Interlocked.Add(ref _outputNanoseconds, ModelStatistics.Nanoseconds(phases.Output));
        Interlocked.Increment(ref _runs);
    }
}

public enum FailureReason
{
    Rejected,
    Backend,
    Canceled,
    Other,
}
