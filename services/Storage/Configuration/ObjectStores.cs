namespace Platform.Storage.Configuration;

/// <summary>Every configured store, by name.</summary>
public sealed class ObjectStores(IEnumerable<IObjectStore> stores)
{
    private readonly Dictionary<string, IObjectStore> _byName = stores.ToDictionary(store => store.Name, StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<IObjectStore> All => _byName.Values;

    public IObjectStore Get(string name) =>
        _byName.TryGetValue(name, out var store)
            ? store
            : throw new KeyNotFoundException(
                $"No object store named '{name}'. Configured stores: {(_byName.Count == 0 ? "(none)" : string.Join(", ", _byName.Keys.Order()))}.");

    public bool TryGet(string name, out IObjectStore store) => _byName.TryGetValue(name, out store!);
}
