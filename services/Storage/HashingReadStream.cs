using System.Security.Cryptography;

namespace Platform.Storage;

/// <summary>
/// Hashes everything read through it, so the SHA-256 of an upload is known the moment its last byte has been sent,
/// without holding the content.
/// </summary>
public sealed class HashingReadStream(Stream inner, bool leaveOpen = true) : ForwardReadStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private string? _sha256;

    public bool ReachedEnd => _sha256 is not null;

    /// <summary>The SHA-256 of everything read; only once the inner stream reported its end.</summary>
    public string Sha256 => _sha256 ?? throw new InvalidOperationException("The stream has not been read to its end yet.");

    public override long Length => inner.Length;

    protected override int ReadCore(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Observe(buffer[..read], buffer.Length);
        return read;
    }

    protected override async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Observe(buffer.Span[..read], buffer.Length);
        return read;
    }

    private void Observe(ReadOnlySpan<byte> data, int requested)
    {
        if (!data.IsEmpty)
        {
            _hash.AppendData(data);
        }
        else if (requested > 0 && _sha256 is null)
        {
            // A zero-byte read only means the end when bytes were asked for.
            _sha256 = Convert.ToHexStringLower(_hash.GetHashAndReset());
        }
    }

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
