namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The wait before the next run of something that runs on a schedule but may find what it needs not there yet (a service
/// still starting, a model not registered yet): after a success, the schedule's interval; after a failure, 1 s, then twice
/// as long each time up to 30 s, and never longer than the interval.
/// </summary>
public sealed class RetryDelay
{
    private static readonly TimeSpan First = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(30);

    private TimeSpan _next = First;

    public TimeSpan After(bool succeeded, TimeSpan interval)
    {
        if (succeeded)
        {
            _next = First;
            return interval;
        }
        var wait = _next < interval ? _next : interval;
        _next = _next * 2 < Longest ? _next * 2 : Longest;
        return wait;
    }
}
