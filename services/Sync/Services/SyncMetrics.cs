using System.Diagnostics.Metrics;

namespace Platform.Sync.Services;

/// <summary>
/// The sync worker's OpenTelemetry metrics (meter <c>Platform.Sync</c>; ServiceDefaults exports every <c>Platform.*</c> meter).
/// Bytes and objects are tagged by source and destination cloud, which is what egress cost reports group by.
/// </summary>
public sealed class SyncMetrics : IDisposable
{
    public const string MeterName = "Platform.Sync";

    private readonly Meter _meter;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _objects;
    private readonly Counter<long> _failures;
    private readonly Histogram<double> _lag;
    private readonly Counter<long> _drift;
    private readonly Counter<long> _deleted;

    public SyncMetrics(IMeterFactory meters, QueueDepthProbe queues)
    {
        _meter = meters.Create(MeterName);
        _bytes = _meter.CreateCounter<long>("platform.sync.copied.bytes", "By", "Bytes copied, by source and destination cloud");
        _objects = _meter.CreateCounter<long>("platform.sync.copied.objects", "{object}", "Objects copied, by source and destination cloud");
        _failures = _meter.CreateCounter<long>("platform.sync.failures", "{failure}", "Copies that failed, by kind");
        _lag = _meter.CreateHistogram<double>("platform.sync.replication.lag", "s", "From the event (object stored) to its copy verified",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300] });
        _drift = _meter.CreateCounter<long>("platform.sync.reconcile.drift", "{object}", "Drift the reconciler found, by kind");
        _deleted = _meter.CreateCounter<long>("platform.sync.mirror.deleted", "{object}", "Objects mirror rules deleted");
        _meter.CreateObservableGauge("platform.sync.queue.depth", queues.Observe, "{message}", "Messages waiting in the worker's queues");
    }

    public void Copied(string sourceCloud, string destinationCloud, long bytes, TimeSpan lag)
    {
        var tags = Route(sourceCloud, destinationCloud);
        _bytes.Add(bytes, tags);
        _objects.Add(1, tags);
        _lag.Record(Math.Max(0, lag.TotalSeconds), tags);
    }

    public void Failed(string sourceCloud, string destinationCloud, ReplicationFailureKind kind)
    {
        var tags = Route(sourceCloud, destinationCloud);
        tags.Add("kind", kind.ToString());
        _failures.Add(1, tags);
    }

    public void Drift(string store, string kind, long count = 1) =>
        _drift.Add(count, new KeyValuePair<string, object?>("store", store), new KeyValuePair<string, object?>("kind", kind));

    public void Deleted(string store, long count) => _deleted.Add(count, new KeyValuePair<string, object?>("store", store));

    private static System.Diagnostics.TagList Route(string sourceCloud, string destinationCloud) => new()
    {
        { "source_cloud", sourceCloud },
        { "destination_cloud", destinationCloud },
    };

    public void Dispose() => _meter.Dispose();
}
