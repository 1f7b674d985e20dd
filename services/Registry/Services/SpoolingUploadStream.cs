using Platform.Storage;

namespace Platform.Registry.Services;

/// <summary>
/// The upload as the store reads it: the request body, cut off at the size limit, with every byte also written to a local
/// spool file. One pass over the network feeds both the store and ONNX Runtime (which can only open a file or a byte array),
/// and nothing holds the whole artifact in memory.
/// </summary>
public sealed class SpoolingUploadStream(Stream body, Stream spool, long maxBytes) : ForwardReadStream
{
    /// <summary>True once the body turned out larger than the limit; the read that noticed threw <see cref="ArtifactTooLargeException"/>.</summary>
    public bool LimitExceeded { get; private set; }

    protected override int ReadCore(Span<byte> buffer)
    {
        var read = body.Read(buffer);
        Check(read);
        spool.Write(buffer[..read]);
        return read;
    }

    protected override async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = await body.ReadAsync(buffer, cancellationToken);
        Check(read);
        await spool.WriteAsync(buffer[..read], cancellationToken);
        return read;
    }

    private void Check(int read)
    {
        if (BytesRead + read > maxBytes)
        {
            LimitExceeded = true;
            throw new ArtifactTooLargeException(maxBytes);
        }
    }
}

public sealed class ArtifactTooLargeException(long maxBytes)
    : Exception($"The artifact is larger than the limit of {maxBytes} bytes.")
{
    public long MaxBytes { get; } = maxBytes;
}
