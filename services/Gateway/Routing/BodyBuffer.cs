using System.Buffers;
using Microsoft.IO;

namespace Platform.Gateway.Routing;

/// <summary>
/// A request's body kept whole, so that every attempt can send it again: in pooled memory up to a size, past it in a
/// temporary file deleted when the request ends. ASP.NET Core's own <c>EnableBuffering</c> keeps at most 1 MiB in pooled
/// memory: it wrote every larger body (one 1 MiB tensor with its JSON header) to a temporary file, and with a higher
/// threshold grew a fresh array on the large object heap for each; either cost the gateway milliseconds of CPU per request
/// (docs/benchmarks.md).
/// </summary>
public static class BodyBuffer
{
    private const int BlockBytes = 64 * 1024;

    private static readonly RecyclableMemoryStreamManager Pool = new(new RecyclableMemoryStreamManager.Options
    {
        BlockSize = BlockBytes,
        // Free blocks kept for the next requests; beyond this they are left to the garbage collector.
        MaximumSmallPoolFreeBytes = 64 * 1024 * 1024,
        MaximumLargePoolFreeBytes = 64 * 1024 * 1024,
    });

    /// <summary>
    /// Reads <paramref name="body"/> to its end, in memory while it stays within <paramref name="inMemoryBytes"/>, and returns
    /// it rewound, for the caller to dispose; null when it is longer than <paramref name="limit"/>.
    /// </summary>
    public static async Task<Stream?> ReadAsync(Stream body, long? length, long limit, int inMemoryBytes, CancellationToken cancellationToken)
    {
        Stream kept = Pool.GetStream(nameof(BodyBuffer), Math.Min(length ?? 0, inMemoryBytes));
        byte[]? chunk = null;
        try
        {
            for (long total = 0; ;)
            {
                int read;
                if (kept is RecyclableMemoryStream pooled)
                {
                    // Read straight into the pool's block: no hint, so the rest of the current block, never a copy.
                    read = await body.ReadAsync(pooled.GetMemory(), cancellationToken);
                    pooled.Advance(read);
                }
                else
                {
                    chunk ??= ArrayPool<byte>.Shared.Rent(BlockBytes);
                    read = await body.ReadAsync(chunk, cancellationToken);
                    await kept.WriteAsync(chunk.AsMemory(0, read), cancellationToken);
                }
                if (read == 0)
                {
                    kept.Position = 0;
                    return kept;
                }
                total += read;
                if (total > limit)
                {
                    await kept.DisposeAsync();
                    return null;
                }
                if (total > inMemoryBytes && kept is RecyclableMemoryStream full)
                {
                    kept = await SpillAsync(full, cancellationToken);
                }
            }
        }
        catch
        {
            await kept.DisposeAsync();
            throw;
        }
        finally
        {
            if (chunk is not null)
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }
    }

    private static async Task<Stream> SpillAsync(RecyclableMemoryStream memory, CancellationToken cancellationToken)
    {
        await using (memory)
        {
            var file = new FileStream(Path.Combine(Path.GetTempPath(), $"platform-gateway-{Path.GetRandomFileName()}"), FileMode.CreateNew,
                FileAccess.ReadWrite, FileShare.None, bufferSize: 0, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            try
            {
                memory.Position = 0;
                await memory.CopyToAsync(file, cancellationToken);
                return file;
            }
            catch
            {
                await file.DisposeAsync();
                throw;
            }
        }
    }
}
