using System.Diagnostics.Metrics;

namespace Platform.Gateway.Routing;

/// <summary>Per-cloud traffic (meter <c>Platform.Gateway</c>): requests served, attempts that failed over, and what failed for good.</summary>
public sealed class GatewayMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _served;
    private readonly Counter<long> _failedOver;
    private readonly Counter<long> _unserved;
    private readonly Histogram<double> _duration;

    public GatewayMetrics(IMeterFactory meters)
    {
        _meter = meters.Create("Platform.Gateway");
        _served = _meter.CreateCounter<long>("platform.gateway.requests", "{request}", "Requests answered, by the cloud that answered and its status code");
        _failedOver = _meter.CreateCounter<long>("platform.gateway.failovers", "{attempt}", "Attempts that failed and moved on to another cloud, by the cloud that failed");
        _unserved = _meter.CreateCounter<long>("platform.gateway.unserved", "{request}", "Requests no cloud could answer");
        _duration = _meter.CreateHistogram<double>("platform.gateway.request.duration", "s", "Time to answer, failovers included, by cloud");
    }

    public void Served(string cloud, int status, TimeSpan duration)
    {
        _served.Add(1, new KeyValuePair<string, object?>("cloud", cloud), new KeyValuePair<string, object?>("status", status));
        _duration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("cloud", cloud));
    }

    public void FailedOver(string cloud, string reason) =>
        _failedOver.Add(1, new KeyValuePair<string, object?>("cloud", cloud), new KeyValuePair<string, object?>("reason", reason));

    public void Unserved() => _unserved.Add(1);

    public void Dispose() => _meter.Dispose();
}
