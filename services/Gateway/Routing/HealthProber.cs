using System.Diagnostics;
using Microsoft.Extensions.Options;
using Platform.Gateway.Extensions;

namespace Platform.Gateway.Routing;

/// <summary>
/// Checks every <see cref="GatewayOptions.ProbeInterval"/> that each cloud's server is ready (<c>/v2/health/ready</c>) and
/// which of the models requests asked for are ready there (<c>/v2/models/{m}/ready</c>), with a short timeout, so that a
/// cloud that went down is out within about one interval and one that came back is in again.
/// </summary>
public sealed class HealthProber(Clouds clouds, IOptions<GatewayOptions> options, ILogger<HealthProber> logger) : BackgroundService
{
    // Its own client: the default handlers' retries and circuit breakers would hide exactly what a probe must see.
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
    {
        Timeout = options.Value.ProbeTimeout,
    };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ProbeInterval);
        do
        {
            await Task.WhenAll(clouds.All.Select(cloud => ProbeAsync(cloud, stoppingToken)));
        }
        while (await Next(timer, stoppingToken));
    }

    private static async Task<bool> Next(PeriodicTimer timer, CancellationToken stoppingToken)
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

    private async Task ProbeAsync(CloudState cloud, CancellationToken stoppingToken)
    {
        var started = Stopwatch.GetTimestamp();
        var live = await AnswersAsync(cloud, new Uri(cloud.Url, "v2/health/ready"), stoppingToken);
        if (live != cloud.Live)
        {
            logger.LogWarning("Cloud {Cloud} is {State}", cloud.Name, live ? "back" : "down");
        }
        cloud.ServerProbed(live, Stopwatch.GetElapsedTime(started));
        if (!live)
        {
            return;
        }
        foreach (var model in clouds.KnownModels)
        {
            cloud.ModelProbed(model, await AnswersAsync(cloud, new Uri(cloud.Url, $"v2/models/{Uri.EscapeDataString(model)}/ready"), stoppingToken));
        }
    }

    /// <summary>Asked as requests are sent to the cloud (its HTTP version), so a probe fails exactly when they would.</summary>
    private async Task<bool> AnswersAsync(CloudState cloud, Uri url, CancellationToken stoppingToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url) { Version = cloud.HttpVersion, VersionPolicy = cloud.HttpVersionPolicy };
            using var response = await _http.SendAsync(request, stoppingToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}
