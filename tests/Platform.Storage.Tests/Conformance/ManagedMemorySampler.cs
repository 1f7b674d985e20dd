namespace Platform.Storage.Tests.Conformance;

/// <summary>Samples the managed heap every few milliseconds and remembers how far it grew above where it started.</summary>
public sealed class ManagedMemorySampler : IDisposable
{
    private readonly long _baseline = GC.GetTotalMemory(forceFullCollection: true);
    private readonly Timer _timer;
    private long _peak;

    public ManagedMemorySampler()
    {
        _peak = _baseline;
        _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(20));
    }

    public long PeakGrowthBytes
    {
        get
        {
            Sample();
            return Interlocked.Read(ref _peak) - _baseline;
        }
    }

    private void Sample()
    {
        var now = GC.GetTotalMemory(forceFullCollection: false);
        long peak;
        while (now > (peak = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
        {
        }
    }

    public void Dispose() => _timer.Dispose();
}
