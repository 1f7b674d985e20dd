using MassTransit;
using Platform.Contracts.Models;
using Platform.Inference.Models;

namespace Platform.Inference.Consumers;

/// <summary>An alias moved: the models that follow it load the new version now rather than at the next periodic refresh.</summary>
public sealed class ModelAliasChangedConsumer(ModelRepository repository, ILogger<ModelAliasChangedConsumer> logger) : IConsumer<ModelAliasChanged>
{
    public async Task Consume(ConsumeContext<ModelAliasChanged> context)
    {
        var change = context.Message;
        if (change.Version is null)
        {
            logger.LogWarning("Alias {Model}@{Alias} was deleted; models following it keep serving their version", change.Model, change.Alias);
            return;
        }
        await repository.AliasChangedAsync(change.Model, change.Alias, context.CancellationToken);
    }
}

/// <summary>
/// Every server instance must hear every alias move, so each has its own queue (named with a per-instance id) that the
/// broker deletes when the instance goes away, rather than one queue that instances would compete on. A lost message
/// costs nothing but time: the periodic refresh catches up, and <see cref="AliasQueueReadyObserver"/> as soon as the queue is back.
/// </summary>
public sealed class ModelAliasChangedConsumerDefinition : ConsumerDefinition<ModelAliasChangedConsumer>
{
    public const string QueueName = "inference-model-alias-changed";

    public ModelAliasChangedConsumerDefinition()
    {
        Endpoint(endpoint =>
        {
            endpoint.Name = QueueName;
            endpoint.InstanceId = Guid.NewGuid().ToString("n")[..12];
            endpoint.Temporary = true;
        });
    }
}

/// <summary>
/// Subscribe, then look: each time this server's alias queue is ready (the bus started, or reconnected after losing the broker)
/// the queue is new, and every alias move published before it existed was lost to this server. So the models that follow an
/// alias are resolved again at once, rather than at the next periodic refresh.
/// </summary>
public sealed class AliasQueueReadyObserver(ModelRepository repository, IHostApplicationLifetime lifetime, ILogger<AliasQueueReadyObserver> logger)
    : IReceiveEndpointObserver
{
    public Task Ready(ReceiveEndpointReady ready)
    {
        if (ready.InputAddress.AbsolutePath.Contains(ModelAliasChangedConsumerDefinition.QueueName, StringComparison.Ordinal))
        {
            _ = RefreshAsync();
        }
        return Task.CompletedTask;
    }

    private async Task RefreshAsync()
    {
        try
        {
            await repository.RefreshAsync(lifetime.ApplicationStopping);
        }
        catch (Exception exception) when (!lifetime.ApplicationStopping.IsCancellationRequested)
        {
            logger.LogError(exception, "Refreshing the models once the alias queue was ready failed");
        }
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;

    public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;
}
