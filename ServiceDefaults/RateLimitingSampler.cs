using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Starts at most <see cref="PerSecond"/> new traces a second (a bucket that holds one second's worth and refills
/// continuously), and drops the rest. Under a <see cref="ParentBasedSampler"/>, spans whose parent was sampled are always
/// recorded and those whose parent was dropped never are, so a trace is kept whole across services or not at all.
/// </summary>
public sealed class RateLimitingSampler : Sampler
{
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private double _tokens;
    private long _refilled;

    public RateLimitingSampler(double perSecond, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        PerSecond = perSecond;
        _time = time ?? TimeProvider.System;
        _tokens = perSecond;
        _refilled = _time.GetTimestamp();
        Description = $"RateLimitingSampler{{{perSecond}/s}}";
    }

    public double PerSecond { get; }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            _tokens = Math.Min(PerSecond, _tokens + _time.GetElapsedTime(_refilled, now).TotalSeconds * PerSecond);
            _refilled = now;
            if (_tokens < 1)
            {
                return new SamplingResult(SamplingDecision.Drop);
            }
            _tokens -= 1;
        }
        return new SamplingResult(SamplingDecision.RecordAndSample);
    }
}
