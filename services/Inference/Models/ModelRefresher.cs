using Microsoft.Extensions.Options;
using Platform.Inference.Extensions;

namespace Platform.Inference.Models;

/// <summary>
/// Loads the declared models at start (the server answers liveness meanwhile, and readiness once they serve), then every
/// <see cref="InferenceOptions.RefreshInterval"/> retries models that failed and resolves aliases again: events make an alias
/// move fast, this makes it certain. While a wanted model does not serve (the registry is not up yet, or the model is not
/// registered yet, as when the whole platform starts at once), it tries again sooner: after 1 s, then twice as long each
/// time, up to 30 s or the refresh interval, whichever is shorter.
/// </summary>
public sealed class ModelRefresher(ModelRepository repository, IOptions<InferenceOptions> options, ILogger<ModelRefresher> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        RetrySchedule.RunAsync(async cancellationToken =>
        {
            try
            {
                await repository.RefreshAsync(cancellationToken);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogError(exception, "Refreshing the models failed");
            }
            return repository.Ready;
        }, options.Value.RefreshInterval, stoppingToken);
}
