using System.Collections.Concurrent;
using Platform.Gateway.Extensions;

namespace Platform.Gateway.Routing;

/// <summary>
/// What the gateway knows of one cloud's inference service: whether it answers (probed actively, and marked down passively
/// the moment a request to it fails), which models it has ready, and how fast it answers (an exponential moving average).
/// </summary>
public sealed class CloudState(string name, Uri url, int weight, bool http2 = false)
{
    private readonly ConcurrentDictionary<string, bool> _models = new(StringComparer.Ordinal);
    private double _latencyMs = double.NaN;
    private volatile bool _live = true;
    private CancellationTokenSource _wentDown = new();

    public string Name { get; } = name;

    public Uri Url { get; } = url;

    public int Weight { get; } = weight;

    /// <summary>Spoken to over HTTP/2 (<see cref="CloudEndpoint.Http2"/>): the only kind that can take gRPC calls.</summary>
    public bool Http2 { get; } = http2;

    /// <summary>The HTTP version requests and probes to this cloud use: 2.0 where <see cref="CloudEndpoint.Http2"/> says so.</summary>
    public Version HttpVersion { get; } = http2 ? System.Net.HttpVersion.Version20 : System.Net.HttpVersion.Version11;

    /// <summary>
    /// Exactly HTTP/2 on a cleartext URL (prior knowledge: nothing to negotiate with), HTTP/2 or lower on a TLS one (ALPN
    /// decides), and HTTP/1.1 or lower otherwise.
    /// </summary>
    public HttpVersionPolicy HttpVersionPolicy { get; } = http2 && url.Scheme == Uri.UriSchemeHttp
        ? HttpVersionPolicy.RequestVersionExact
        : HttpVersionPolicy.RequestVersionOrLower;

    public bool Live => _live;

    public double LatencyMs => Volatile.Read(ref _latencyMs);

    public IReadOnlyDictionary<string, bool> Models => _models;

    /// <summary>
    /// Cancelled the next time the cloud is taken out: a request waiting on it for an answer gives up then and goes to another
    /// cloud, instead of waiting out its timeout on a cloud that went away (a stopped service, a partitioned network).
    /// </summary>
    public CancellationToken WentDown => Volatile.Read(ref _wentDown).Token;

    /// <summary>Whether a request for <paramref name="model"/> may go here: the server answers, and the model is ready or not yet known.</summary>
    public bool CanServe(string? model) => _live && (model is null || !_models.TryGetValue(model, out var ready) || ready);

    public void ServerProbed(bool live, TimeSpan latency)
    {
        SetLive(live);
        if (live)
        {
            var sample = latency.TotalMilliseconds;
            var current = LatencyMs;
            Volatile.Write(ref _latencyMs, double.IsNaN(current) ? sample : current * 0.8 + sample * 0.2);
        }
    }

    public void ModelProbed(string model, bool ready) => _models[model] = ready;

    /// <summary>A request failed here: take the cloud out until a probe finds it answering again.</summary>
    public void Failed() => SetLive(false);

    private void SetLive(bool live)
    {
        var wasLive = _live;
        _live = live;
        if (wasLive && !live)
        {
            // Requests from now on wait on a fresh token (this cloud may still be tried last); those under way are told.
            Interlocked.Exchange(ref _wentDown, new CancellationTokenSource()).Cancel();
        }
    }
}
