using Platform.Inference.Metrics;

namespace Platform.Inference.Runtime;

/// <summary>
/// One version of a model in memory: its session, signature and batcher, and a count of leases. Every request holds a lease
/// from before it reads the signature until its response is written; the server holds one more while the version is current.
/// <see cref="Retire"/> gives up the server's lease, and when the last request's lease is returned the version unloads.
/// This is what makes a hot swap lose nothing: requests that leased the old version finish on it, new ones lease the new one.
/// </summary>
public sealed class LoadedModel
{
    private readonly TaskCompletionSource _unloaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _leases = 1;

    public LoadedModel(string name, string version, OnnxModel model, RuntimeOptions options, ModelStatistics statistics)
    {
        Name = name;
        Version = version;
        Model = model;
        Options = options;
        Statistics = statistics;
        Scheduler = new ModelScheduler(model, options, statistics);
    }

    public string Name { get; }

    public string Version { get; }

    public OnnxModel Model { get; }

    /// <summary>The threads and batching this version runs with.</summary>
    public RuntimeOptions Options { get; }

    public ModelSignature Signature => Model.Signature;

    public ModelScheduler Scheduler { get; }

    public ModelStatistics Statistics { get; }

    /// <summary>Completes when the version has drained and its session is gone.</summary>
    public Task Unloaded => _unloaded.Task;

    /// <summary>Takes a lease unless the version is already unloading (then the caller reads the current version again).</summary>
    public bool TryAcquire()
    {
        while (true)
        {
            var leases = Volatile.Read(ref _leases);
            if (leases == 0)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref _leases, leases + 1, leases) == leases)
            {
                return true;
            }
        }
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _leases) == 0)
        {
            _ = UnloadAsync();
        }
    }

    /// <summary>Gives up the server's lease: the version unloads once the requests holding it are done.</summary>
    public Task Retire()
    {
        Release();
        return Unloaded;
    }

    private async Task UnloadAsync()
    {
        // Off the thread of the request that returned the last lease.
        await Task.Yield();
        await Scheduler.StopAsync();
        Model.Dispose();
        _unloaded.TrySetResult();
    }
}
