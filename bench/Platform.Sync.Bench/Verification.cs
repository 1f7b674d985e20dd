using System.Security.Cryptography;
using Platform.Storage;

namespace Platform.Sync.Bench;

/// <summary>
/// Checks the copies in the destination store against the source objects, independently of either contender: every copy is
/// read back whole and hashed here. The worker's copies must also carry the source's SHA-256 in their metadata.
/// </summary>
public static class Verification
{
    public static async Task VerifyAsync(IObjectStore destination, IEnumerable<SourceObject> sources, string keyPrefix, bool expectHashMetadata)
    {
        foreach (var source in sources)
        {
            var key = keyPrefix + source.Key;
            var copy = await destination.GetInfoAsync(key) ?? throw new InvalidOperationException($"{key} was not copied to {destination.Name}.");
            if (expectHashMetadata && copy.Sha256 != source.Sha256)
            {
                throw new InvalidOperationException($"{key} in {destination.Name} records SHA-256 {copy.Sha256 ?? "(none)"}, not the source's {source.Sha256}.");
            }
            var (size, sha256) = await HashAsync(destination, key);
            if (size != source.Size || sha256 != source.Sha256)
            {
                throw new InvalidOperationException($"{key} in {destination.Name} holds {size} bytes hashing to {sha256}, not {source.Size} bytes hashing to {source.Sha256}.");
            }
        }
    }

    public static async Task DeleteAsync(IObjectStore destination, IEnumerable<SourceObject> sources, string keyPrefix)
    {
        foreach (var source in sources)
        {
            await destination.DeleteAsync(keyPrefix + source.Key);
        }
    }

    private static async Task<(long Size, string Sha256)> HashAsync(IObjectStore store, string key)
    {
        await using var content = await store.OpenReadAsync(key);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1024 * 1024];
        long size = 0;
        int read;
        while ((read = await content.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            size += read;
        }
        return (size, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }
}
