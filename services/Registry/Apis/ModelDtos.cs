using Platform.Registry.Model;
using Platform.Registry.Services;
using Platform.Storage.Configuration;

namespace Platform.Registry.Apis;

public sealed record CreateModelRequest(string Name, string? Description, IReadOnlyList<string>? Tags, ReplicationPolicyRequest? Replication);

/// <summary>Only the fields that are present change.</summary>
public sealed record UpdateModelRequest(string? Description, IReadOnlyList<string>? Tags);

/// <summary>Stores and clouds that must hold every version; both empty means every configured store.</summary>
public sealed record ReplicationPolicyRequest(IReadOnlyList<string>? Stores, IReadOnlyList<string>? Clouds);

public sealed record ReplicationPolicyResponse(IReadOnlyList<string> Stores, IReadOnlyList<string> Clouds, IReadOnlyList<string> ResolvedStores)
{
    public static ReplicationPolicyResponse From(RegisteredModel model, ObjectStores stores) =>
        new(model.PolicyStores, model.PolicyClouds, ReplicationPolicy.ResolveStores(model, stores));
}

public sealed record ModelResponse(
    string Name,
    string? Description,
    IReadOnlyList<string> Tags,
    bool Archived,
    int LatestVersion,
    ReplicationPolicyResponse Replication,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static ModelResponse From(RegisteredModel model, ObjectStores stores) => new(
        model.Name, model.Description, model.Tags, model.Archived, model.LastVersion, ReplicationPolicyResponse.From(model, stores),
        model.CreatedBy, model.CreatedAt, model.UpdatedAt);
}

public sealed record PagedResult<T>(int PageIndex, int PageSize, int Count, IReadOnlyList<T> Items);
