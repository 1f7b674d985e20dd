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

/// <summary>The generation preconditions a request may carry (query parameters ifGenerationMatch and friends).</summary>
public sealed record Preconditions(long? IfGenerationMatch, long? IfGenerationNotMatch, long? IfMetagenerationMatch, long? IfMetagenerationNotMatch)
{
    public static readonly Preconditions None = new(null, null, null, null);

    /// <summary>Reads the target's preconditions (ifGenerationMatch, ...) or, for a copy, the source's (ifSourceGenerationMatch, ...).</summary>
    public static Preconditions From(IQueryCollection query, bool source = false)
    {
        var infix = source ? "Source" : "";
        long? Read(string what) => long.TryParse(query[$"if{infix}{what}"], out var value) ? value : null;
        return new Preconditions(Read("GenerationMatch"), Read("GenerationNotMatch"), Read("MetagenerationMatch"), Read("MetagenerationNotMatch"));
    }

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
