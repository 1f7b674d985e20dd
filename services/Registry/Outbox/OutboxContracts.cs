using Platform.Contracts.Models;
using Platform.Contracts.Storage;

namespace Platform.Registry.Outbox;

/// <summary>
/// The events the registry publishes. Rows name their type, and only these names are turned back into types, so a row can
/// never make the dispatcher load an arbitrary type.
/// </summary>
public static class OutboxContracts
{
    private static readonly Dictionary<string, Type> Types = new[]
    {
        typeof(ModelVersionRegistered),
        typeof(ArtifactStored),
        typeof(ModelAliasChanged),
    }.ToDictionary(type => type.FullName!, StringComparer.Ordinal);

    public static Type Resolve(string messageType) =>
        Types.TryGetValue(messageType, out var type)
            ? type
            : throw new InvalidOperationException($"The outbox holds a message of unknown type '{messageType}'.");

    public static void EnsurePublishable(Type type)
    {
        if (!Types.ContainsKey(type.FullName!))
        {
            throw new ArgumentException($"{type.FullName} is not an event the registry publishes.", nameof(type));
        }
    }
}
