using System.Buffers;

namespace Platform.Storage;

/// <summary>
/// The buffers of streaming puts (the read-ahead of <see cref="UploadContent"/>, the parts of <see cref="PartedUpload"/>).
/// Small ones come from <see cref="ArrayPool{T}.Shared"/>. Large ones come from a pool that keeps a few arrays per size:
/// ArrayPool.Shared keeps large arrays per core and per thread, so a process that once ran a few large puts at the same time
/// would hold on to them for good (the sync worker held 33 read-ahead buffers of 8 MiB after four concurrent large copies on
/// two cores, and the count grows with the cores).
/// </summary>
internal static class TransferBuffers
{
    private const int SharedPoolLimit = 1024 * 1024;

    /// <summary>Enough for one put's read-ahead and its parts in flight; more at once are allocated and left to the GC.</summary>
    private static readonly ArrayPool<byte> Large =
        ArrayPool<byte>.Create(maxArrayLength: PartedUpload.DefaultPartSize << 6, maxArraysPerBucket: PartedUpload.DefaultMaxInFlight + 2);

    public static byte[] Rent(int minimumLength) => PoolFor(minimumLength).Rent(minimumLength);

    public static void Return(byte[] buffer) => PoolFor(buffer.Length).Return(buffer);

    // Either pool rents arrays whose length falls on the same side of the limit as the length asked for.
    private static ArrayPool<byte> PoolFor(int length) => length <= SharedPoolLimit ? ArrayPool<byte>.Shared : Large;
}
