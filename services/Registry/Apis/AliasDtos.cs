using Platform.Registry.Model;

namespace Platform.Registry.Apis;

public sealed record SetAliasRequest(int Version);

public sealed record AliasResponse(string Model, string Alias, int Version, string ETag, string UpdatedBy, DateTimeOffset UpdatedAt)
{
    public static AliasResponse From(string model, ModelAlias alias) =>
        new(model, alias.Name, alias.Version, AliasETag.Of(alias), alias.UpdatedBy, alias.UpdatedAt);
}

public sealed record AliasChangeResponse(string Alias, int? FromVersion, int? ToVersion, string ChangedBy, DateTimeOffset ChangedAt)
{
    public static AliasChangeResponse From(AliasChange change) => new(change.Alias, change.FromVersion, change.ToVersion, change.ChangedBy, change.ChangedAt);
}
