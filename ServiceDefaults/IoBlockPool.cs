using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Kestrel's I/O buffers in blocks of <see cref="IoBlockOptions.BlockBytes"/> instead of its own pool's 4 KiB. A socket
/// read fills at most one block, and each read wakes the request's reader once more: with 4 KiB blocks a single-row request
/// of the benchmark's big MLP (4,439 bytes) took two reads and two wake-ups instead of one, and a 1 MiB tensor 256 of each.
/// Blocks are pinned (as Kestrel's are) and reused; at most <see cref="RetainedBytes"/> of free blocks are kept, the rest
/// left to the garbage collector, so a burst of connections does not hold memory for ever.
/// </summary>
public sealed class IoBlockPoolFactory(int blockBytes) : IMemoryPoolFactory<byte>
{
    /// <summary>The most memory that free blocks keep between uses.</summary>
    public const int RetainedBytes = 16 * 1024 * 1024;

    private long _blocksAllocated;

    public int BlockBytes { get; } = blockBytes;

    /// <summary>Blocks allocated by every pool this factory made (reuse allocates none).</summary>
    public long BlocksAllocated => Interlocked.Read(ref _blocksAllocated);

    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) =>
        new IoBlockPool(BlockBytes, Math.Max(1, RetainedBytes / BlockBytes), () => Interlocked.Increment(ref _blocksAllocated));
}

/// <summary>A pool of equal pinned blocks; see <see cref="IoBlockPoolFactory"/>.</summary>
public sealed class IoBlockPool(int blockBytes, int retainedBlocks, Action? allocated = null) : MemoryPool<byte>
{
    private readonly ConcurrentQueue<Block> _free = new();
    private int _freeCount;

    public override int MaxBufferSize => blockBytes;

    /// <summary>Free blocks kept for reuse.</summary>
    public int FreeBlocks => Volatile.Read(ref _freeCount);

    /// <summary>A block of <see cref="MaxBufferSize"/> bytes; larger requests are refused, as Kestrel's own pool refuses them.</summary>
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, blockBytes);
        if (_free.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _freeCount);
            block.Take();
            return block;
        }
        allocated?.Invoke();
        return new Block(this, GC.AllocateUninitializedArray<byte>(blockBytes, pinned: true));
    }

    protected override void Dispose(bool disposing) => _free.Clear();

    private void Return(Block block)
    {
        if (Interlocked.Increment(ref _freeCount) <= retainedBlocks)
        {
            _free.Enqueue(block);
        }
        else
        {
            Interlocked.Decrement(ref _freeCount);
        }
    }

    private sealed class Block(IoBlockPool pool, byte[] array) : IMemoryOwner<byte>
    {
        // The array is pinned for its whole life, so pinning this memory again (a socket send does) costs nothing.
        private readonly Memory<byte> _memory = MemoryMarshal.CreateFromPinnedArray(array, 0, array.Length);

        private int _rented = 1;

        public Memory<byte> Memory => Volatile.Read(ref _rented) == 1 ? _memory : throw new ObjectDisposedException(nameof(Block), "The block went back to its pool.");

        public void Take() => Volatile.Write(ref _rented, 1);

        /// <summary>Returns the block; a second return throws rather than let two renters share it.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _rented, 0) == 0)
            {
                throw new InvalidOperationException("The block went back to its pool twice.");
            }
            pool.Return(this);
        }
    }
}
