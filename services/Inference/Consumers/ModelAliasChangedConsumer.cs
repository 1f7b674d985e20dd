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
/// costs nothing but time: the periodic refresh catches up.
/// </summary>
public sealed class ModelAliasChangedConsumerDefinition : ConsumerDefinition<ModelAliasChangedConsumer>
{
    public ModelAliasChangedConsumerDefinition()
    {
        Endpoint(endpoint =>
        {
            endpoint.Name = "inference-model-alias-changed";
            endpoint.InstanceId = Guid.NewGuid().ToString("n")[..12];
            endpoint.Temporary = true;
        });
    }
}
