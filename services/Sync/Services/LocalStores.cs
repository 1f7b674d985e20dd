using Microsoft.Extensions.Options;
using Platform.Storage;
using Platform.Storage.Configuration;
using Platform.Sync.Extensions;

namespace Platform.Sync.Services;

/// <summary>The stores this worker copies into: those named in <c>Sync:Stores</c>, else every configured store of its cloud.</summary>
public sealed class LocalStores(ObjectStores stores, IOptions<SyncOptions> options)
{
    public IReadOnlyList<IObjectStore> All { get; } = Resolve(stores, options.Value);

    public string Cloud => options.Value.Cloud;

    /// <summary>The local stores among <paramref name="targets"/>, except the source itself.</summary>
    public IEnumerable<IObjectStore> Among(IEnumerable<string> targets, string source) =>
        All.Where(store => targets.Contains(store.Name, StringComparer.OrdinalIgnoreCase)
            && !string.Equals(store.Name, source, StringComparison.OrdinalIgnoreCase));

    public bool IsLocal(string store) => All.Any(local => string.Equals(local.Name, store, StringComparison.OrdinalIgnoreCase));

    private static IReadOnlyList<IObjectStore> Resolve(ObjectStores stores, SyncOptions options) =>
        options.Stores.Count > 0
            ? options.Stores.Select(stores.Get).ToList()
            : stores.All.Where(store => string.Equals(store.Cloud, options.Cloud, StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>What is wrong with the configuration: unknown store names, or no store to fill at all.</summary>
    public static IEnumerable<string> Problems(SyncOptions options, ObjectStores stores)
    {
        foreach (var name in options.Stores.Where(name => !stores.TryGet(name, out _)))
        {
            yield return $"Sync:Stores names '{name}', which is not configured under Storage:Stores.";
        }
        if (options.Stores.Count == 0 && !stores.All.Any(store => string.Equals(store.Cloud, options.Cloud, StringComparison.OrdinalIgnoreCase)))
        {
            yield return $"No store under Storage:Stores is in cloud '{options.Cloud}', so this worker has nothing to fill; set Sync:Stores or a store's Cloud.";
        }
    }
}
