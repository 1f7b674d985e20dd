using Microsoft.Extensions.Options;
using Platform.Inference.Extensions;

namespace Platform.Inference.Models;

/// <summary>
/// Loads the declared models at start (the server answers liveness meanwhile, and readiness once they serve), then every
/// <see cref="InferenceOptions.RefreshInterval"/> retries models that failed and resolves aliases again: events make an alias
/// move fast, this makes it certain.
/// </summary>
public sealed class ModelRefresher(ModelRepository repository, IOptions<InferenceOptions> options, ILogger<ModelRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefreshInterval);
        do
        {
            try
            {
                await repository.RefreshAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(exception, "Refreshing the models failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
