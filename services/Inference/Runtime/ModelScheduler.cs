using System.Diagnostics;
using System.Threading.Channels;
using Platform.Inference.Metrics;
using Platform.Inference.Protocol;

namespace Platform.Inference.Runtime;

/// <summary>
/// The dynamic batcher of one loaded model. Requests wait in a queue of at most <see cref="RuntimeOptions.MaxQueueSize"/>
/// (beyond it they are refused at once); each worker takes the oldest request and joins to it the requests already waiting
/// with the same batch key, up to <see cref="RuntimeOptions.MaxBatchSize"/> rows, waiting at most
/// <see cref="RuntimeOptions.MaxQueueDelay"/> from taking the first request for more to come. Under load, batches form
/// while the previous one runs; the delay counts from when the worker is free rather than from the first request's arrival,
/// because the requests that waited through a run are only part of the load: the clients that run just answered send
/// their next requests a moment later, and without the wait batches would alternate between those two groups, each
/// half full. Stopping completes the queue: what waits still runs, then the workers end.
/// Each worker is a thread of its own that blocks while it waits: a run holds its thread for as long as ONNX Runtime
/// computes, which on the thread pool took threads from Kestrel and started each run on whichever thread was free; the big
/// benchmark MLP served about a fifth more this way (docs/benchmarks.md, "Inference").
/// When a run ends and no request waits, the worker completes each request itself, so that writing the answer runs on its
/// thread at once: it has nothing else to do until the next requests come, and the thread pool is spared a hand-off and a
/// wake-up per request (the big benchmark MLP served about 5 % more). As soon as a request waits, the rest of the batch's
/// answers go to the thread pool instead, so that the next batch does not wait for them.
/// </summary>
public sealed class ModelScheduler
{
    private readonly OnnxModel _model;
    private readonly RuntimeOptions _options;
    private readonly ModelStatistics _statistics;
    private readonly Channel<PendingInference> _queue;
    private readonly Task[] _workers;
    private int _waiting;

    public ModelScheduler(OnnxModel model, RuntimeOptions options, ModelStatistics statistics)
    {
        _model = model;
        _options = options;
        _statistics = statistics;
        _queue = Channel.CreateUnbounded<PendingInference>(new UnboundedChannelOptions { SingleReader = options.Instances == 1 });
        _workers = Enumerable.Range(0, options.Instances).Select(_ => StartWorker()).ToArray();
    }

    /// <summary>Queues the request; throws <see cref="QueueFullException"/> at once when the queue is full.</summary>
    public Task<IReadOnlyList<TensorData>> ScheduleAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _waiting) > _options.MaxQueueSize)
        {
            Interlocked.Decrement(ref _waiting);
            throw new QueueFullException(_options.MaxQueueSize);
        }
        var pending = new PendingInference(request, cancellationToken);
        // Counted before it is written: a free worker may take it and run it at once.
        _statistics.Queued();
        if (!_queue.Writer.TryWrite(pending))
        {
            Interlocked.Decrement(ref _waiting);
            _statistics.Dequeued();
            throw new InvalidOperationException("The model is unloading.");
        }
        return pending.Completion.Task;
    }

    /// <summary>Takes no more requests, runs those still waiting, and returns when every worker has finished.</summary>
    public Task StopAsync()
    {
        _queue.Writer.TryComplete();
        return Task.WhenAll(_workers);
    }

    private Task StartWorker()
    {
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            try
            {
                Work();
                finished.SetResult();
            }
            catch (Exception exception)
            {
                finished.SetException(exception);
            }
        })
        { IsBackground = true, Name = "Inference worker" }.Start();
        return finished.Task;
    }

    private void Work()
    {
        var reader = _queue.Reader;
        PendingInference? carried = null;
        while (true)
        {
            var first = carried ?? Next(reader);
            carried = null;
            if (first is null)
            {
                return;
            }
            var batch = new List<PendingInference> { first };
            if (first.Request.BatchKey is not null && _options.MaxBatchSize > 1)
            {
                carried = Fill(reader, batch);
            }
            Execute(batch);
        }
    }

    private PendingInference? Next(ChannelReader<PendingInference> reader)
    {
        while (Wait(reader.WaitToReadAsync()))
        {
            if (reader.TryRead(out var pending))
            {
                Interlocked.Decrement(ref _waiting);
                return pending;
            }
        }
        return null;
    }

    /// <summary>Adds compatible waiting requests to the batch; returns the first one that did not fit, to start the next batch.</summary>
    private PendingInference? Fill(ChannelReader<PendingInference> reader, List<PendingInference> batch)
    {
        var first = batch[0];
        var rows = first.Request.BatchSize;
        var started = Stopwatch.GetTimestamp();
        while (rows < _options.MaxBatchSize)
        {
            if (!reader.TryRead(out var next))
            {
                var remaining = _options.MaxQueueDelay - Stopwatch.GetElapsedTime(started);
                if (remaining <= TimeSpan.Zero || !WaitAtMost(reader, remaining))
                {
                    return null;
                }
                continue;
            }
            Interlocked.Decrement(ref _waiting);
            if (next.Request.BatchKey != first.Request.BatchKey || rows + next.Request.BatchSize > _options.MaxBatchSize)
            {
                return next;
            }
            batch.Add(next);
            rows += next.Request.BatchSize;
        }
        return null;
    }

    private static bool WaitAtMost(ChannelReader<PendingInference> reader, TimeSpan delay)
    {
        using var timeout = new CancellationTokenSource(delay);
        try
        {
            return Wait(reader.WaitToReadAsync(timeout.Token));
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Blocks the worker's own thread until the channel has something to read (true) or is complete (false).</summary>
    private static bool Wait(ValueTask<bool> waiting) => waiting.IsCompleted ? waiting.Result : waiting.AsTask().GetAwaiter().GetResult();

    private void Execute(List<PendingInference> batch)
    {
        _statistics.Dequeued(batch.Count);
        // A client that went away while waiting needs no answer; its rows would only slow the others. Which ones went is
        // decided once: completing one can run its caller's code here, meanwhile another client may go, and a request
        // dropped on a second look would be neither run nor answered.
        if (batch.Exists(IsGone))
        {
            var gone = batch.FindAll(IsGone);
            batch.RemoveAll(gone.Contains);
            foreach (var pending in gone)
            {
                _statistics.Fail(FailureReason.Canceled, pending.EnqueuedAt);
                Complete(completion => completion.TrySetCanceled(pending.CancellationToken), pending);
            }
        }
        if (batch.Count == 0)
        {
            return;
        }
        try
        {
            Run(batch);
        }
        catch (BatchShapeException)
        {
            foreach (var pending in batch)
            {
                Run([pending]);
            }
        }
    }

    private static bool IsGone(PendingInference pending) => pending.CancellationToken.IsCancellationRequested;

    private void Run(List<PendingInference> batch)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var results = _model.Run(batch.Select(pending => pending.Request).ToList(), out var phases);
            _statistics.Executed(batch.Sum(pending => pending.Request.BatchSize), batch.Count, phases);
            for (var i = 0; i < batch.Count; i++)
            {
                _statistics.Waited(Stopwatch.GetElapsedTime(batch[i].EnqueuedAt, started));
                var (pending, result) = (batch[i], results[i]);
                Complete(completion => completion.TrySetResult(result), pending);
            }
        }
        catch (BatchShapeException) when (batch.Count > 1)
        {
            throw;
        }
        catch (Exception exception)
        {
            foreach (var pending in batch)
            {
                Complete(completion => completion.TrySetException(exception), pending);
            }
        }
    }

    /// <summary>
    /// Completes a request on this worker's thread when no other request waits (its continuation, the answer, runs here and
    /// now), and on the thread pool otherwise.
    /// </summary>
    private void Complete(Action<TaskCompletionSource<IReadOnlyList<TensorData>>> complete, PendingInference pending)
    {
        if (Volatile.Read(ref _waiting) == 0)
        {
            complete(pending.Completion);
        }
        else
        {
            ThreadPool.UnsafeQueueUserWorkItem(state => state.Complete(state.Completion), (Complete: complete, pending.Completion), preferLocal: false);
        }
    }

    private sealed class PendingInference(InferenceRequest request, CancellationToken cancellationToken)
    {
        public InferenceRequest Request { get; } = request;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public long EnqueuedAt { get; } = Stopwatch.GetTimestamp();

        /// <summary>Continuations run where it completes: <see cref="Complete"/> chooses the thread.</summary>
        public TaskCompletionSource<IReadOnlyList<TensorData>> Completion { get; } = new();
    }
}

/// <summary>The model's queue is full; the client should back off and retry.</summary>
public sealed class QueueFullException(int limit) : Exception($"The model's queue is full ({limit} requests wait); retry later.");
