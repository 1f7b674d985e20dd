namespace Platform.Testing;

/// <summary>
/// Waits for a service under test to be ready. A service's <c>/health</c> answers 200 once every check passes; for a
/// service on the bus that means connected, with every receive endpoint bound, so an event published from then on is not
/// dropped (a queue can exist before it is bound to its exchange).
/// </summary>
public static class ServiceHealth
{
    /// <param name="output">What the service said, for the timeout's message.</param>
    public static async Task WaitAsync(HttpClient client, TimeSpan timeout, string path = "/health", Func<string>? output = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await client.GetAsync(path);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{client.BaseAddress}{path.TrimStart('/')} did not answer 200 within {timeout.TotalSeconds:0} s" +
            (output is null ? "." : $":{Environment.NewLine}{output()}"));
    }
}
