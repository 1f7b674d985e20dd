using System.Security.Cryptography;

namespace Platform.GcsEmulator.Storage;

/// <summary>Streams a body into a file while computing the MD5 and CRC-32C that GCS reports for it.</summary>
public static class HashingFileWriter
{
    private const int BufferSize = 256 * 1024;

    public sealed record Written(long Size, string Md5Hash, string Crc32C);

    /// <summary>Writes <paramref name="content"/> to a new file at <paramref name="path"/>, hashing it on the way.</summary>
    public static async Task<Written> WriteAsync(Stream content, string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous);
        return await CopyHashingAsync(content, file, cancellationToken);
    }

    /// <summary>Hashes a finished file (resumable uploads arrive in pieces, possibly across restarts).</summary>
    public static async Task<Written> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return await CopyHashingAsync(file, Stream.Null, cancellationToken);
    }

    private static async Task<Written> CopyHashingAsync(Stream source, Stream destination, CancellationToken cancellationToken)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var crc = new Crc32C();
        var buffer = new byte[BufferSize];
        long size = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            md5.AppendData(buffer, 0, read);
            crc.Append(buffer.AsSpan(0, read));
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            size += read;
        }
        return new Written(size, Convert.ToBase64String(md5.GetHashAndReset()), crc.ToBase64());
    }
}
