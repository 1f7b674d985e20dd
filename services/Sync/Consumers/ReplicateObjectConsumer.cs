using MassTransit;
using Platform.Contracts.Storage;
using Platform.Sync.Services;

namespace Platform.Sync.Consumers;

/// <summary>Copies an object on request (ad-hoc and bulk copies), into this cloud's stores among the targets.</summary>
public sealed class ReplicateObjectConsumer(ReplicationHandler handler) : IConsumer<ReplicateObject>
{
    public Task Consume(ConsumeContext<ReplicateObject> context)
    {
        var message = context.Message;
        return handler.HandleAsync(context, new ReplicationRequest(message.SourceStore, message.Key, message.Sha256, message.Model, message.Version, message.RequestedAt),
            message.TargetStores);
    }
}

public sealed class ReplicateObjectConsumerDefinition : ConsumerDefinition<ReplicateObjectConsumer>
{
    public ReplicateObjectConsumerDefinition(SyncEndpoints endpoints)
    {
        EndpointName = endpoints.Name("replicate-object");
        ConcurrentMessageLimit = endpoints.ConcurrentCopies;
    }
}
