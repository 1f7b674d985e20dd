namespace Microsoft.Extensions.Hosting;

/// <summary>
/// A background job that runs on a schedule but may find what it needs not there yet (a service still starting, a model not
/// registered yet): after a run that succeeded it waits the schedule's interval; after one that did not, 1 s, then twice as
/// long each time up to 30 s, and never longer than the interval.
/// </summary>
public static class RetrySchedule
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(30);

    /// <summary>Runs <paramref name="run"/> (which says whether it succeeded) at once and then on the schedule, until stopping.</summary>
    public static async Task RunAsync(Func<CancellationToken, Task<bool>> run, TimeSpan interval, CancellationToken stoppingToken)
    {
        var retry = FirstRetry;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            if (await run(stoppingToken))
            {
                (wait, retry) = (interval, FirstRetry);
            }
            else
            {
                wait = retry < interval ? retry : interval;
                retry = retry * 2 < LongestRetry ? retry * 2 : LongestRetry;
            }
            try
            {
                await Task.Delay(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
