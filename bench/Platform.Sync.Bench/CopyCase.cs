using System.Diagnostics;
using Platform.Testing;

namespace Platform.Sync.Bench;

/// <summary>A set of source objects under one prefix, copied by each contender in turn.</summary>
public sealed record CopyCase(string Name, string Prefix, IReadOnlyList<SourceObject> Objects)
{
    private static readonly TimeSpan CopyTimeout = TimeSpan.FromMinutes(20);

    public long Bytes => Objects.Sum(source => source.Size);

    /// <summary>
    /// A fresh worker, warmed up (so that its peak RSS is this case's and its code is past the JIT's tiers), is fed one
    /// ArtifactStored per object; the time runs from the first publish until the last ArtifactReplicated arrived.
    /// </summary>
    public async Task<Measurement> RunWorkerAsync(BenchClouds clouds, Replications replications, IReadOnlyDictionary<string, string?> workerSettings, WarmUp warmUp)
    {
        replications.Forget(Objects);
        await using var worker = await BenchWorker.StartAsync(clouds, replications, workerSettings, warmUp);
        Console.Error.WriteLine($"  worker (process {worker.ProcessId}) warmed up, copying");
        var servers = ProcessCpu.Snapshot(clouds.Servers);
        var workerCpu = worker.CpuTime;
        var started = Stopwatch.GetTimestamp();
        foreach (var source in Objects)
        {
            await replications.PublishStoredAsync(source);
        }
        var arrivals = await replications.WaitForAsync(Objects, CopyTimeout, () => worker.Output);
        var elapsed = Stopwatch.GetElapsedTime(started, arrivals.Values.Max(arrival => arrival.Timestamp));
        var cpu = new Dictionary<string, TimeSpan>(ProcessCpu.Since(servers, clouds.Servers)) { [Measurement.Contender] = worker.CpuTime - workerCpu };
        var peak = worker.PeakResidentBytes;
        if (arrivals.Values.FirstOrDefault(arrival => arrival.Message.Sha256 != Objects.First(source => source.Key == arrival.Message.Key).Sha256) is { Message: { } wrong })
        {
            throw new InvalidOperationException($"The worker reported {wrong.Key} replicated with SHA-256 {wrong.Sha256}, not the source's.");
        }
        await Verification.VerifyAsync(clouds.Destination, Objects, keyPrefix: "", expectHashMetadata: true);
        await Verification.DeleteAsync(clouds.Destination, Objects, keyPrefix: "");
        return new Measurement(elapsed, peak, cpu) { RestingResidentBytes = worker.RestingResidentBytes };
    }

    public async Task<Measurement> RunRcloneAsync(BenchClouds clouds, Rclone rclone)
    {
        var servers = ProcessCpu.Snapshot(clouds.Servers);
        var (elapsed, peak, rcloneCpu) = await rclone.CopyAsync(Prefix);
        var cpu = new Dictionary<string, TimeSpan>(ProcessCpu.Since(servers, clouds.Servers)) { [Measurement.Contender] = rcloneCpu };
        await Verification.VerifyAsync(clouds.Destination, Objects, Rclone.DestinationPrefix, expectHashMetadata: false);
        await Verification.DeleteAsync(clouds.Destination, Objects, Rclone.DestinationPrefix);
        return new Measurement(elapsed, peak, cpu);
    }
}

/// <summary>How long one contender took to copy a case, its peak resident memory, and the CPU time it and each server used meanwhile.</summary>
public readonly record struct Measurement(TimeSpan Elapsed, long PeakResidentBytes, IReadOnlyDictionary<string, TimeSpan> Cpu)
{
    /// <summary>The key of the contender's own CPU time in <see cref="Cpu"/>.</summary>
    public const string Contender = "contender";

    /// <summary>The worker's resident memory when it was warmed up and idle, before the case; 0 for rclone, which starts with the case.</summary>
    public long RestingResidentBytes { get; init; }

    public double MiBPerSecond(long bytes) => bytes / (double)SourceObject.MiB / Elapsed.TotalSeconds;
}
