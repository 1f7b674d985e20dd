using Microsoft.Extensions.Options;
using Platform.Registry.Extensions;
using Platform.Registry.Model;
using Platform.Storage.Configuration;

namespace Platform.Registry.Services;

/// <summary>
/// Orders a version's replicas by how near they are to this registry: first its home store, then other stores in its own
/// cloud (no egress), then the rest, most recently verified first. Replicas in stores this registry cannot reach are left out.
/// </summary>
public sealed class ReplicaSelector(ObjectStores stores, IOptions<RegistryOptions> options)
{
    public string Cloud => options.Value.Cloud ?? stores.Get(options.Value.HomeStore).Cloud;

    public IReadOnlyList<Replica> NearestFirst(IEnumerable<Replica> replicas)
    {
        var cloud = Cloud;
        return replicas
            .Where(replica => stores.TryGet(replica.Store, out _))
            .OrderByDescending(replica => string.Equals(replica.Store, options.Value.HomeStore, StringComparison.OrdinalIgnoreCase)
                && string.Equals(stores.Get(replica.Store).Cloud, cloud, StringComparison.OrdinalIgnoreCase))
            .ThenByDescending(replica => string.Equals(stores.Get(replica.Store).Cloud, cloud, StringComparison.OrdinalIgnoreCase))
            .ThenByDescending(replica => replica.VerifiedAt)
            .ToList();
    }
}
