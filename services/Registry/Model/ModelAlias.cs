namespace Platform.Registry.Model;

/// <summary>A movable label (production, staging, ...) that points at one version of a model.</summary>
public sealed class ModelAlias
{
    public long Id { get; set; }

    public long ModelId { get; set; }

    public required string Name { get; set; }

    public int Version { get; set; }

    /// <summary>Changes on every move; it is the ETag, and EF checks it on update, so a lost race becomes a 412.</summary>
    public Guid Stamp { get; set; }

    public required string UpdatedBy { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One entry of an alias's audit history. Kept after the alias itself is deleted.</summary>
public sealed class AliasChange
{
    public long Id { get; set; }

    public long ModelId { get; set; }

    public required string Alias { get; set; }

    /// <summary>Null when the change created the alias.</summary>
    public int? FromVersion { get; set; }

    /// <summary>Null when the change deleted the alias.</summary>
    public int? ToVersion { get; set; }

    public required string ChangedBy { get; set; }

    public DateTimeOffset ChangedAt { get; set; }
}
