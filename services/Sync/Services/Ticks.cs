namespace Platform.Sync.Services;

public static class Ticks
{
    /// <summary>Waits for the timer's next tick; false once the host is stopping.</summary>
    public static async Task<bool> NextAsync(this PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
