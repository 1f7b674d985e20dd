using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.AppHost.Tests;

/// <summary>What one inference request got back: the status (null when no answer came), the cloud that served it, the model version, the outputs.</summary>
public sealed record InferenceAnswer(int? Status, string? Cloud, string? Version, float[] Output, string? Error)
{
    public bool Succeeded => Status is >= 200 and < 300;

    public override string ToString() => Succeeded ? $"{Status} from {Cloud}, version {Version}" : $"{Status?.ToString() ?? "no answer"} ({Error})";
}

/// <summary>
/// A steady stream of inference requests for one model through the gateway, from a few clients each sending one request after
/// another, recording every answer, until it is stopped: what a client of the platform sees while something changes under it.
/// </summary>
public sealed class InferenceTraffic : IAsyncDisposable
{
    /// <summary>The input every request sends: two rows of four features, the shape of the sample MLPs.</summary>
    public static readonly float[] Input = [1f, 2f, 3f, 4f, 4f, 3f, 2f, 1f];

    private readonly HttpClient _gateway;
    private readonly string _model;
    private readonly ConcurrentQueue<InferenceAnswer> _answers = new();
    private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
    private readonly Task[] _clients;

    private InferenceTraffic(HttpClient gateway, string model, int clients)
    {
        _gateway = gateway;
        _model = model;
        _clients = Enumerable.Range(0, clients).Select(_ => Task.Run(SendUntilStoppedAsync)).ToArray();
    }

    public static InferenceTraffic Start(HttpClient gateway, string model, int clients = 2) => new(gateway, model, clients);

    public IReadOnlyList<InferenceAnswer> Answers => _answers.ToArray();

    /// <summary>Waits until an answer that arrives from now on satisfies <paramref name="condition"/>, and returns it.</summary>
    public async Task<InferenceAnswer> WaitForAnswerAsync(Func<InferenceAnswer, bool> condition, string what)
    {
        var seen = _answers.Count;
        // The first answer that satisfies the condition, or else the latest, which a failure shows.
        var answer = await PlatformDriver.EventuallyAsync(() => Task.FromResult(_answers.Skip(seen).FirstOrDefault(condition) ?? _answers.Skip(seen).LastOrDefault()),
            answer => answer is not null && condition(answer), PlatformDriver.WithinSeconds, what);
        return answer!;
    }

    /// <summary>Sends one inference request for the model through the gateway.</summary>
    public static async Task<InferenceAnswer> InferAsync(HttpClient client, string model, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.PostAsJsonAsync($"/v2/models/{model}/infer", new
            {
                inputs = new[] { new { name = "input", shape = new[] { 2, 4 }, datatype = "FP32", data = Input } },
            }, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var cloud = response.Headers.TryGetValues("X-Served-By-Cloud", out var served) ? served.Single() : null;
            if (!response.IsSuccessStatusCode)
            {
                return new InferenceAnswer((int)response.StatusCode, cloud, null, [], body);
            }
            using var json = JsonDocument.Parse(body);
            var output = json.RootElement.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(value => value.GetSingle()).ToArray();
            return new InferenceAnswer((int)response.StatusCode, cloud, json.RootElement.GetProperty("model_version").GetString(), output, null);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new InferenceAnswer(null, null, null, [], exception.Message);
        }
    }

    /// <summary>Stops sending, lets the requests under way finish, and returns every answer.</summary>
    public async Task<IReadOnlyList<InferenceAnswer>> StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
        return Answers;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task SendUntilStoppedAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                // A request under way when the stream stops still finishes: only sending the next one is stopped.
                _answers.Enqueue(await InferAsync(_gateway, _model, TestContext.Current.CancellationToken));
            }
            catch (OperationCanceledException) when (TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
