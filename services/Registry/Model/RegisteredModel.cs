namespace Platform.Registry.Model;

/// <summary>A named model: the unit that versions, aliases and the replication policy belong to.</summary>
public sealed class RegisteredModel
{
    public long Id { get; set; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    public List<string> Tags { get; set; } = [];

    /// <summary>Stores that must hold every version; with <see cref="PolicyClouds"/>, empty means every configured store.</summary>
    public List<string> PolicyStores { get; set; } = [];

    /// <summary>Clouds that must hold every version (each of their configured stores).</summary>
    public List<string> PolicyClouds { get; set; } = [];

    /// <summary>The last version number handed out. Incremented under a row lock, so concurrent uploads get distinct numbers.</summary>
    public int LastVersion { get; set; }

    public bool Archived { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
