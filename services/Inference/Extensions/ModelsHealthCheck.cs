using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.Inference.Models;

namespace Platform.Inference.Extensions;

/// <summary>Readiness (<c>/health</c>) follows <c>/v2/health/ready</c>: healthy once every model that should serve does.</summary>
internal sealed class ModelsHealthCheck(ModelRepository repository) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(repository.Ready ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("Not every model that should serve is loaded."));
}
