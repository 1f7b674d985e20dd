using System.Diagnostics;

namespace Platform.Inference.Metrics;

/// <summary>Triton's per-model counters for one model version; every method is safe to call from any thread.</summary>
public sealed class ModelStatistics(string model, string version)
{
    private long _success;
    private long _inferences;
    private long _executions;
    private long _requestMicroseconds;
    private long _queueMicroseconds;
    private long _computeMicroseconds;
    private long _rejected;
    private long _backend;
    private long _other;
    private long _canceled;
    private long _pending;

    public string Model { get; } = model;

    public string Version { get; } = version;

    public long Success => Interlocked.Read(ref _success);

    public long Inferences => Interlocked.Read(ref _inferences);

    public long Executions => Interlocked.Read(ref _executions);

    public long RequestMicroseconds => Interlocked.Read(ref _requestMicroseconds);

    public long QueueMicroseconds => Interlocked.Read(ref _queueMicroseconds);

    public long ComputeMicroseconds => Interlocked.Read(ref _computeMicroseconds);

    /// <summary>Requests queued and not yet running: waiting in the queue, or taken into a batch that waits for company.</summary>
    public long Pending => Interlocked.Read(ref _pending);

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

    public void Succeeded(long startedAt)
    {
        Interlocked.Increment(ref _success);
        Interlocked.Add(ref _requestMicroseconds, MicrosecondsSince(startedAt));
    }

    public void Failed(FailureReason reason)
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
    }

    /// <summary>One session run of <paramref name="rows"/> rows.</summary>
    public void Executed(long rows)
    {
        Interlocked.Increment(ref _executions);
        Interlocked.Add(ref _inferences, rows);
    }

    /// <summary>A request's time in the queue and in the run that served it (a batch's whole run counts for each of its requests, as in Triton).</summary>
    public void Timed(TimeSpan queued, TimeSpan computed)
    {
        Interlocked.Add(ref _queueMicroseconds, (long)queued.TotalMicroseconds);
        Interlocked.Add(ref _computeMicroseconds, (long)computed.TotalMicroseconds);
    }

    private static long MicrosecondsSince(long timestamp) => (long)Stopwatch.GetElapsedTime(timestamp).TotalMicroseconds;
}

public enum FailureReason
{
    Rejected,
    Backend,
    Canceled,
    Other,
}
