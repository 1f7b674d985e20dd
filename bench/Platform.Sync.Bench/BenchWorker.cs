using System.Diagnostics;
using Platform.Testing;

namespace Platform.Sync.Bench;

/// <summary>
/// The sync worker of the destination's cloud, run as its own process from its build output (Release, when this bench is
/// a Release build: <see cref="RepositoryPaths.Configuration"/>), ready, warmed up (<see cref="WarmUp"/>) and settled.
/// </summary>
public sealed class BenchWorker : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The share of one core below which the worker counts as idle (its bus and probes still tick).</summary>
    private const double IdleCpuShare = 0.05;

    private readonly ServiceProcess _process;

    private BenchWorker(ServiceProcess process)
    {
        _process = process;
    }

    public int ProcessId => _process.ProcessId;

    /// <summary>Its resident memory once warmed up and idle, in bytes.</summary>
    public long RestingResidentBytes { get; private set; }

    /// <summary>Its peak resident memory (VmHWM) since it was warmed up, in bytes.</summary>
    public long PeakResidentBytes => ProcessMemory.PeakResidentBytes(_process.ProcessId) ?? throw new InvalidOperationException("The worker has exited.");

    /// <summary>The CPU time it has used since it started.</summary>
    public TimeSpan CpuTime => ProcessCpu.Of(_process.ProcessId) ?? throw new InvalidOperationException("The worker has exited.");

    public string Output => _process.Output;

    /// <param name="settings">Extra configuration for the worker, e.g. <c>Sync:ConcurrentCopies</c>.</param>
    public static async Task<BenchWorker> StartAsync(BenchClouds clouds, Replications replications, IReadOnlyDictionary<string, string?> settings, WarmUp warmUp)
    {
        var configuration = new Dictionary<string, string?>(clouds.StoreSettings)
        {
            ["ConnectionStrings:rabbitmq"] = clouds.Broker.ConnectionString,
            ["Sync:Cloud"] = BenchClouds.DestinationStoreName,
            ["Sync:ReconcileInterval"] = "01:00:00",
        };
        foreach (var (name, value) in settings)
        {
            configuration[name] = value;
        }
        var worker = new BenchWorker(await ServiceProcess.StartAsync("services/Sync", "Platform.Sync", configuration));
        try
        {
            await worker._process.WaitUntilHealthyAsync(ReadyTimeout);
            replications.Forget(warmUp.Objects);
            // One at a time: that drives the code through the JIT's tiers as well as a crowd would, without leaving the
            // garbage of concurrent large copies in the heap to count against the measured case's memory. The first copy
            // also shows that the worker's queue is bound to the events (a published event would otherwise be lost).
            foreach (var source in warmUp.Objects)
            {
                await replications.PublishStoredAsync(source);
                await replications.WaitForAsync([source], ReadyTimeout, () => worker.Output);
            }
            await Verification.DeleteAsync(clouds.Destination, warmUp.Objects, keyPrefix: "");
            await worker.WaitUntilSettledAsync();
            // What the warm-up left in memory (pools, heap) stays in the peak; its own transient peak does not.
            worker.RestingResidentBytes = ProcessMemory.ResidentBytes(worker.ProcessId) ?? 0;
            ProcessMemory.ResetPeak(worker.ProcessId);
            return worker;
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Waits for the JIT's background recompilation of the warmed-up code (tier 0 → tier 1) to finish, which shows as the idle
    /// worker still using CPU; otherwise that one-off work lands in the first timed copy.
    /// </summary>
    private async Task WaitUntilSettledAsync()
    {
        var interval = TimeSpan.FromMilliseconds(500);
        var waited = Stopwatch.StartNew();
        var before = CpuTime;
        while (waited.Elapsed < SettleTimeout)
        {
            await Task.Delay(interval);
            var now = CpuTime;
            if (now - before < interval * IdleCpuShare)
            {
                return;
            }
            before = now;
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
