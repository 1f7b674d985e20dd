using System.Diagnostics;

namespace Platform.Sync.Bench;

/// <summary>
/// Replication lag under a steady load: one ArtifactStored per pre-uploaded object at a fixed rate, each lag running from
/// just before its publish to the arrival of its ArtifactReplicated.
/// </summary>
public static class LagRun
{
    public sealed record Result(int Events, double TargetRate, double PublishedRate, TimeSpan P50, TimeSpan P99, TimeSpan Max, long WorkerRestingResidentBytes, long WorkerPeakResidentBytes);

    public static async Task<Result> RunAsync(BenchClouds clouds, Replications replications, IReadOnlyDictionary<string, string?> workerSettings, WarmUp warmUp,
        IReadOnlyList<SourceObject> objects, double rate)
    {
        replications.Forget(objects);
        await using var worker = await BenchWorker.StartAsync(clouds, replications, workerSettings, warmUp);
        var published = new long[objects.Count];
        var started = Stopwatch.GetTimestamp();
        for (var index = 0; index < objects.Count; index++)
        {
            var due = TimeSpan.FromSeconds(index / rate) - Stopwatch.GetElapsedTime(started);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }
            published[index] = Stopwatch.GetTimestamp();
            await replications.PublishStoredAsync(objects[index]);
        }
        var publishing = Stopwatch.GetElapsedTime(started, published[^1]);
        var arrivals = await replications.WaitForAsync(objects, TimeSpan.FromMinutes(5), () => worker.Output);
        var lags = objects.Select((source, index) => Stopwatch.GetElapsedTime(published[index], arrivals[source.Key].Timestamp)).Order().ToList();
        var peak = worker.PeakResidentBytes;
        await Verification.VerifyAsync(clouds.Destination, objects, keyPrefix: "", expectHashMetadata: true);
        await Verification.DeleteAsync(clouds.Destination, objects, keyPrefix: "");
        return new Result(objects.Count, rate, (objects.Count - 1) / publishing.TotalSeconds, Percentile(lags, 0.50), Percentile(lags, 0.99), lags[^1], worker.RestingResidentBytes, peak);
    }

    /// <summary>The nearest-rank percentile of sorted values.</summary>
    private static TimeSpan Percentile(IReadOnlyList<TimeSpan> sorted, double fraction) =>
        sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Count) - 1, 0, sorted.Count - 1)];
}
