using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Platform.Inference.Tests.Hosting;

/// <summary>
/// Clients that send the same inference request in a loop until stopped (or a bound on requests is reached), recording every
/// answer: which version served it, and every failure with its status and body.
/// </summary>
public sealed class LoadGenerator
{
    private const int MaxRequestsPerClient = 20_000;

    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, int> _versions = new();
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly Task[] _clients;
    private int _completed;

    public LoadGenerator(HttpClient client, string model, string request, int clients)
    {
        _clients = Enumerable.Range(0, clients).Select(_ => Task.Run(() => RunAsync(client, model, request))).ToArray();
    }

    public int Completed => Volatile.Read(ref _completed);

    public IReadOnlyDictionary<string, int> Versions => _versions;

    public IReadOnlyCollection<string> Failures => _failures;

    public bool Saw(string version) => _versions.ContainsKey(version);

    private async Task RunAsync(HttpClient client, string model, string request)
    {
        for (var i = 0; i < MaxRequestsPerClient && !_stop.IsCancellationRequested; i++)
        {
            try
            {
                using var response = await client.InferAsync(model, request);
                var body = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode)
                {
                    _failures.Enqueue($"{(int)response.StatusCode}: {body}");
                    continue;
                }
                _versions.AddOrUpdate(JsonNode.Parse(body)!["model_version"]!.GetValue<string>(), 1, (_, count) => count + 1);
            }
            catch (Exception exception)
            {
                _failures.Enqueue(exception.GetType().Name + ": " + exception.Message);
            }
            Interlocked.Increment(ref _completed);
        }
    }

    /// <summary>Waits until <paramref name="more"/> further requests have completed (bounded by <paramref name="timeout"/>), then stops every client.</summary>
    public async Task StopAfterAsync(int more, TimeSpan timeout)
    {
        var target = Completed + more;
        await Eventually.HoldsAsync(() => Task.FromResult(Completed >= target), timeout, $"{more} more requests");
        await _stop.CancelAsync();
        await Task.WhenAll(_clients).WaitAsync(timeout);
    }
}
