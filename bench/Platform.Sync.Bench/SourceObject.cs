using Platform.Storage;
using Platform.Testing;

namespace Platform.Sync.Bench;

/// <summary>An object in the source store, with the size and SHA-256 the copies must have.</summary>
public sealed record SourceObject(string Key, long Size, string Sha256)
{
    public const long MiB = 1024 * 1024;

    /// <summary>Puts <paramref name="count"/> distinct pseudo-random objects of <paramref name="size"/> bytes under <paramref name="prefix"/>, a few at a time.</summary>
    public static async Task<IReadOnlyList<SourceObject>> SeedAsync(IObjectStore store, string prefix, int count, long size, int firstSeed)
    {
        var objects = new SourceObject[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (index, token) =>
        {
            var key = $"{prefix}/object-{index:d4}.bin";
            await using var content = new GeneratedStream(size, firstSeed + index);
            var stored = await store.PutAsync(key, content, cancellationToken: token);
            objects[index] = new SourceObject(key, stored.Size, stored.Sha256!);
        });
        return objects;
    }
}
