using MassTransit;
using Platform.Contracts.Storage;
using Platform.Sync.Services;

namespace Platform.Sync.Consumers;

/// <summary>Replicates an artifact the registry stored into this cloud's stores that the model's policy names.</summary>
public sealed class ArtifactStoredConsumer(ReplicationHandler handler) : IConsumer<ArtifactStored>
{
    public Task Consume(ConsumeContext<ArtifactStored> context)
    {
        var message = context.Message;
        return handler.HandleAsync(context, new ReplicationRequest(message.Store, message.Key, message.Sha256, message.Model, message.Version, message.OccurredAt),
            message.TargetStores);
    }
}

public sealed class ArtifactStoredConsumerDefinition : ConsumerDefinition<ArtifactStoredConsumer>
{
    public ArtifactStoredConsumerDefinition(SyncEndpoints endpoints)
    {
        EndpointName = endpoints.Name("artifact-stored");
        ConcurrentMessageLimit = endpoints.ConcurrentCopies;
    }
}
