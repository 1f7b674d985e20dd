using System.Security.Cryptography;

namespace Platform.Storage;

/// <summary>
/// A forward-only read stream that hashes everything read through it, so the SHA-256 of an upload is known
/// the moment its last byte has been sent, without holding the content.
/// </summary>
public sealed class HashingReadStream(Stream inner, bool leaveOpen = true) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private string? _sha256;

    /// <summary>Bytes read so far.</summary>
    public long BytesRead { get; private set; }

    public bool ReachedEnd { get; private set; }

    /// <summary>The SHA-256 of everything read; only once the inner stream reported its end.</summary>
    public string Sha256 => _sha256 ?? throw new InvalidOperationException("The stream has not been read to its end yet.");

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Observe(buffer[..read], buffer.Length);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Observe(buffer.Span[..read], buffer.Length);
        return read;
    }

    private void Observe(ReadOnlySpan<byte> data, int requested)
    {
        if (data.IsEmpty)
        {
            // A zero-byte read only means the end when bytes were asked for.
            if (requested > 0 && !ReachedEnd)
            {
                ReachedEnd = true;
                _sha256 = Convert.ToHexStringLower(_hash.GetHashAndReset());
            }
            return;
        }
        _hash.AppendData(data);
        BytesRead += data.Length;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => inner.Length;

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException("A hashing stream reads forward only.");
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A hashing stream reads forward only.");
    public override void SetLength(long value) => throw new NotSupportedException("A hashing stream is read-only.");
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("A hashing stream is read-only.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            if (!leaveOpen)
            {
                inner.Dispose();
            }
        }
        base.Dispose(disposing);
    }
}
