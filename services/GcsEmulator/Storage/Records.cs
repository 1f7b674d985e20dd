namespace Platform.GcsEmulator.Storage;

public sealed record BucketRecord(string Name, DateTimeOffset TimeCreated, long Metageneration);

/// <summary>One live object generation, as kept in the index and in its JSON file next to the data.</summary>
public sealed record ObjectRecord
{
    public required string Bucket { get; init; }
    public required string Name { get; init; }
    public required long Generation { get; init; }
    public required long Metageneration { get; init; }
    public required long Size { get; init; }
    public required string Md5Hash { get; init; }
    public required string Crc32C { get; init; }
    public string? ContentType { get; init; }
    public Dictionary<string, string>? Metadata { get; init; }
    public required DateTimeOffset TimeCreated { get; init; }
    public required DateTimeOffset Updated { get; init; }

    /// <summary>File name of the content under the bucket's objects folder.</summary>
    public required string DataFile { get; init; }
}

/// <summary>
/// Which generation a request addresses (query parameter <c>generation</c>; a mismatch is a 404, as for a deleted
/// generation) and the preconditions it carries (<c>ifGenerationMatch</c> and friends; a failure is a 412).
/// </summary>
public sealed record Preconditions(long? Generation, long? IfGenerationMatch, long? IfGenerationNotMatch, long? IfMetagenerationMatch, long? IfMetagenerationNotMatch)
{
    /// <summary>Reads the target's parameters (generation, ifGenerationMatch, ...) or, for a copy, the source's
    /// (sourceGeneration, ifSourceGenerationMatch, ...).</summary>
    public static Preconditions From(IQueryCollection query, bool source = false)
    {
        var infix = source ? "Source" : "";
        long? Read(string parameter) => long.TryParse(query[parameter], out var value) ? value : null;
        return new Preconditions(
            Read(source ? "sourceGeneration" : "generation"),
            Read($"if{infix}GenerationMatch"),
            Read($"if{infix}GenerationNotMatch"),
            Read($"if{infix}MetagenerationMatch"),
            Read($"if{infix}MetagenerationNotMatch"));
    }

    /// <summary>Whether the request addresses this live object: this emulator keeps no older generations.</summary>
    public bool Selects(ObjectRecord current) => Generation is not { } generation || generation == current.Generation;

    /// <summary>Whether the preconditions hold for the current object (null: the object does not exist, generation 0).</summary>
    public bool HoldFor(ObjectRecord? current)
    {
        var generation = current?.Generation ?? 0;
        if (IfGenerationMatch is { } match && match != generation)
        {
            return false;
        }
        if (IfGenerationNotMatch is { } notMatch && notMatch == generation)
        {
            return false;
        }
        if (IfMetagenerationMatch is { } metaMatch && (current is null || metaMatch != current.Metageneration))
        {
            return false;
        }
        return IfMetagenerationNotMatch is not { } metaNotMatch || current is null || metaNotMatch != current.Metageneration;
    }
}
