namespace Platform.Registry.Model;

/// <summary>A store that holds a copy of a version's artifact whose SHA-256 was verified.</summary>
public sealed class Replica
{
    public long Id { get; set; }

    public long ModelVersionId { get; set; }

    public required string Store { get; set; }

    public required string Key { get; set; }

    public required string Sha256 { get; set; }

    public long Size { get; set; }

    public DateTimeOffset VerifiedAt { get; set; }
}
