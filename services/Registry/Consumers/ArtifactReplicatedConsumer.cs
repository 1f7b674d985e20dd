using MassTransit;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Storage;
using Platform.Registry.Infrastructure;
using Platform.Registry.Model;
using Platform.Storage.Configuration;

namespace Platform.Registry.Consumers;

/// <summary>
/// Records a replica that a sync worker copied and verified. Only a copy whose SHA-256 equals the version's counts; a repeat
/// of the same report refreshes its verification time and adds nothing, so redelivery is harmless.
/// </summary>
public sealed class ArtifactReplicatedConsumer(RegistryDbContext db, ObjectStores stores, ILogger<ArtifactReplicatedConsumer> logger)
    : IConsumer<ArtifactReplicated>
{
    public async Task Consume(ConsumeContext<ArtifactReplicated> context)
    {
        var message = context.Message;
        var version = await FindVersionAsync(message, context.CancellationToken);
        if (version is null)
        {
            logger.LogWarning("Ignoring replica of {Key} in {Store}: no READY version has that artifact", message.Key, message.Store);
            return;
        }
        if (!string.Equals(version.Sha256, message.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            logger.LogWarning("Ignoring replica of {Key} in {Store}: its SHA-256 {Actual} is not the version's {Expected}",
                message.Key, message.Store, message.Sha256, version.Sha256);
            return;
        }
        if (!stores.TryGet(message.Store, out var store))
        {
            logger.LogWarning("Ignoring replica of {Key} in {Store}: the registry has no store of that name", message.Key, message.Store);
            return;
        }

        var replica = version.Replicas.SingleOrDefault(existing => string.Equals(existing.Store, store.Name, StringComparison.OrdinalIgnoreCase));
        if (replica is null)
        {
            version.Replicas.Add(new Replica
            {
                Store = store.Name, Key = message.Key, Sha256 = version.Sha256!, Size = message.Size, VerifiedAt = message.VerifiedAt,
            });
        }
        else if (message.VerifiedAt > replica.VerifiedAt)
        {
            replica.Key = message.Key;
            replica.VerifiedAt = message.VerifiedAt;
        }
        // Should another registry instance insert the same replica first, the unique index refuses this one and the retry finds the row.
        await db.SaveChangesAsync(context.CancellationToken);
        logger.LogInformation("Recorded replica of {Model}/{Version} in {Store}", version.Model.Name, version.Version, store.Name);
    }

    private Task<ModelVersion?> FindVersionAsync(ArtifactReplicated message, CancellationToken cancellationToken)
    {
        var versions = db.Versions.Include(v => v.Model).Include(v => v.Replicas).Where(v => v.Status == VersionStatus.Ready);
        versions = message.Model is { } model && message.Version is { } number
            ? versions.Where(v => v.Model.Name == model && v.Version == number)
            : versions.Where(v => v.Key == message.Key);
        return versions.FirstOrDefaultAsync(cancellationToken);
    }
}

public sealed class ArtifactReplicatedConsumerDefinition : ConsumerDefinition<ArtifactReplicatedConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<ArtifactReplicatedConsumer> consumerConfigurator, IRegistrationContext context)
    {
        // Database hiccups are transient; a message that still fails goes to the _error queue.
        endpointConfigurator.UseMessageRetry(retry => retry.Intervals(100, 500, 2000, 5000));
        // One at a time: reports are applied in the order they arrive, and two reports of one replica never race to insert it.
        endpointConfigurator.ConcurrentMessageLimit = 1;
    }
}
