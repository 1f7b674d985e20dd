using Platform.Registry.Model;
using Platform.Storage.Configuration;

namespace Platform.Registry.Apis;

public sealed record VersionResponse(
    string Model,
    int Version,
    string Status,
    string? FailureReason,
    string Store,
    string Key,
    long? Size,
    string? Sha256,
    ModelSignature? Signature,
    Lineage Lineage,
    IReadOnlyList<ReplicaResponse> Replicas,
    string CreatedBy,
    DateTimeOffset CreatedAt)
{
    public static VersionResponse From(string model, ModelVersion version, ObjectStores stores) => new(
        model, version.Version, version.Status.ToString().ToUpperInvariant(), version.FailureReason, version.Store, version.Key,
        version.Size, version.Sha256, version.Signature, version.Lineage,
        version.Replicas.OrderBy(replica => replica.Store, StringComparer.Ordinal).Select(replica => ReplicaResponse.From(replica, stores)).ToList(),
        version.CreatedBy, version.CreatedAt);
}

public sealed record ReplicaResponse(string Store, string? Cloud, string Key, string Sha256, long Size, DateTimeOffset VerifiedAt)
{
    public static ReplicaResponse From(Replica replica, ObjectStores stores) => new(
        replica.Store, stores.TryGet(replica.Store, out var store) ? store.Cloud : null, replica.Key, replica.Sha256, replica.Size, replica.VerifiedAt);
}
