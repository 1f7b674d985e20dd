namespace Platform.Inference.Tests.Hosting;

public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds; throws <see cref="TimeoutException"/> naming <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!await condition())
        {
            try
            {
                await Task.Delay(50, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}.");
            }
        }
    }
}
