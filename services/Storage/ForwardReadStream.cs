namespace Platform.Storage;

/// <summary>
/// The shape every stream in this library has: read-only, forward-only, counting what it has handed out. Subclasses
/// implement the two span/memory reads; everything else a <see cref="Stream"/> demands is answered here once.
/// </summary>
public abstract class ForwardReadStream : Stream
{
    /// <summary>Bytes handed to the reader so far.</summary>
    public long BytesRead { get; private set; }

    protected abstract int ReadCore(Span<byte> buffer);

    protected abstract ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    public sealed override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public sealed override int Read(Span<byte> buffer)
    {
        var read = ReadCore(buffer);
        BytesRead += read;
        return read;
    }

    public sealed override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public sealed override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await ReadCoreAsync(buffer, cancellationToken);
        BytesRead += read;
        return read;
    }

    public sealed override bool CanRead => true;
    public sealed override bool CanSeek => false;
    public sealed override bool CanWrite => false;
    public override long Length => throw new NotSupportedException("This stream's length is not known in advance.");

    public sealed override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException("This stream reads forward only.");
    }

    public sealed override void Flush()
    {
    }

    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("This stream reads forward only.");
    public sealed override void SetLength(long value) => throw new NotSupportedException("This stream is read-only.");
    public sealed override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("This stream is read-only.");
}
