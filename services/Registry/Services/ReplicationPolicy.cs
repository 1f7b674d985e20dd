using Platform.Registry.Model;
using Platform.Storage.Configuration;

namespace Platform.Registry.Services;

/// <summary>Turns a model's policy (named stores and clouds) into the store names that must hold its versions.</summary>
public static class ReplicationPolicy
{
    /// <summary>An empty policy means every configured store, so a new cloud is covered as soon as it is configured.</summary>
    public static IReadOnlyList<string> ResolveStores(RegisteredModel model, ObjectStores stores) =>
        stores.All
            .Where(store => (model.PolicyStores.Count == 0 && model.PolicyClouds.Count == 0)
                || model.PolicyStores.Contains(store.Name, StringComparer.OrdinalIgnoreCase)
                || model.PolicyClouds.Contains(store.Cloud, StringComparer.OrdinalIgnoreCase))
            .Select(store => store.Name)
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>What is wrong with a proposed policy: stores that are not configured, clouds with no configured store.</summary>
    public static IEnumerable<string> Problems(IEnumerable<string> storeNames, IEnumerable<string> clouds, ObjectStores stores)
    {
        foreach (var name in storeNames.Where(name => !stores.TryGet(name, out _)))
        {
            yield return $"There is no configured store named '{name}'.";
        }
        foreach (var cloud in clouds.Where(cloud => !stores.All.Any(store => string.Equals(store.Cloud, cloud, StringComparison.OrdinalIgnoreCase))))
        {
            yield return $"No configured store is in cloud '{cloud}'.";
        }
    }
}
