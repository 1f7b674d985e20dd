using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Platform.AppHost.Infrastructure;

/// <summary>
/// Health checks that see a starting resource come up within a quarter of a second. Aspire looks at a resource that is not
/// healthy yet again after 1 s, then 2, 3, 4 and every 5 s, so a service that comes up is seen up to 5 s late, and whatever
/// waits for it (the registry for the stores, every cloud's services for the registry) starts that much later: on a local
/// start, seconds in which the machine sat idle (docs/benchmarks.md). These checks, while the resource has not been
/// healthy, look again every <see cref="Interval"/> within one check of up to <see cref="Window"/>; once it has been, one
/// look per check, so a resource that goes down shows at once.
/// </summary>
public static class PromptHealthChecks
{
    /// <summary>How long one check keeps looking for a resource that is not up: past it Aspire gets the unhealthy report and its reason.</summary>
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>Healthy when <c>GET {path}</c> on the resource's <c>http</c> endpoint answers <paramref name="statusCode"/>; replaces Aspire's <c>WithHttpHealthCheck</c>.</summary>
    public static IResourceBuilder<T> WithPromptHttpHealthCheck<T>(this IResourceBuilder<T> resource, string path, int statusCode = 200)
        where T : IResourceWithEndpoints =>
        resource.WithPromptHealthCheck($"{resource.Resource.Name}-http{path}", new HttpStatusCheck(resource.GetEndpoint("http"), path, statusCode));

    /// <summary>Registers <paramref name="check"/> under <paramref name="key"/>, looked at closely until the resource is up, as the resource's health check.</summary>
    public static IResourceBuilder<T> WithPromptHealthCheck<T>(this IResourceBuilder<T> resource, string key, IHealthCheck check)
        where T : IResource
    {
        var watched = new UntilHealthy(check, Window, Interval);
        resource.ApplicationBuilder.Services.AddHealthChecks().Add(new HealthCheckRegistration(key, _ => watched, failureStatus: null, tags: null));
        return resource.WithHealthCheck(key);
    }

    private sealed class HttpStatusCheck(EndpointReference endpoint, string path, int statusCode) : IHealthCheck
    {
        private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(5);
        private static readonly HttpClient Client = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) }) { Timeout = AnswerTimeout };

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                using var response = await Client.GetAsync(new Uri(new Uri(endpoint.Url), path), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                return (int)response.StatusCode == statusCode
                    ? HealthCheckResult.Healthy()
                    : HealthCheckResult.Unhealthy($"GET {path} answered {(int)response.StatusCode}, not {statusCode}.");
            }
            catch (HttpRequestException exception)
            {
                return HealthCheckResult.Unhealthy($"GET {path} failed: {exception.Message}", exception);
            }
            catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy($"GET {path} did not answer within {AnswerTimeout.TotalSeconds} s.", exception);
            }
        }
    }
}

/// <summary>
/// Runs <paramref name="check"/>; while the resource has not been healthy since its last unhealthy report, runs it again every
/// <paramref name="interval"/> until it is healthy or <paramref name="window"/> has passed, and reports the last result.
/// </summary>
public sealed class UntilHealthy(IHealthCheck check, TimeSpan window, TimeSpan interval) : IHealthCheck
{
    private volatile bool _healthy;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await check.CheckHealthAsync(context, cancellationToken);
        while (result.Status != HealthStatus.Healthy && !_healthy && Stopwatch.GetElapsedTime(started) + interval < window)
        {
            await Task.Delay(interval, cancellationToken);
            result = await check.CheckHealthAsync(context, cancellationToken);
        }
        _healthy = result.Status == HealthStatus.Healthy;
        return result;
    }
}
