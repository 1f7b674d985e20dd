namespace Platform.Storage;

/// <summary>
/// The content of a put, hashed as it is read. It reads up to a threshold ahead, so a provider can send a small object in
/// one request with its SHA-256 already known, and stream a large one (buffer first, then the rest) through
/// <see cref="Remainder"/>. Memory stays at most one threshold-sized buffer (<see cref="TransferBuffers"/>), whatever the object's size.
/// </summary>
public sealed class UploadContent : IDisposable
{
    private readonly HashingReadStream _hashing;
    private byte[]? _buffer;
    private int _buffered;

    /// <summary>The read-ahead buffer starts small and doubles, so a 1 KiB put never holds a threshold-sized array.</summary>
    private const int InitialBufferSize = 64 * 1024;

    private UploadContent(Stream content, int threshold)
    {
        _hashing = new HashingReadStream(content);
        _buffer = TransferBuffers.Rent(Math.Min(threshold, InitialBufferSize));
    }

    /// <summary>Reads up to <paramref name="threshold"/> bytes of <paramref name="content"/> ahead.</summary>
    public static async Task<UploadContent> BeginAsync(Stream content, int threshold, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var upload = new UploadContent(content, threshold);
        try
        {
            await upload.FillAsync(threshold, cancellationToken);
            upload.IsSmall = upload.IsComplete;
            return upload;
        }
        catch
        {
            upload.Dispose();
            throw;
        }
    }

    private async Task FillAsync(int threshold, CancellationToken cancellationToken)
    {
        // Content of exactly threshold bytes counts as large: its end has not been seen yet, and that is harmless.
        while (_buffered < threshold)
        {
            if (_buffered == _buffer!.Length)
            {
                var larger = TransferBuffers.Rent(Math.Min(threshold, _buffer.Length * 2));
                _buffer.AsSpan(0, _buffered).CopyTo(larger);
                TransferBuffers.Return(_buffer);
                _buffer = larger;
            }
            var read = await _hashing.ReadAsync(_buffer.AsMemory(_buffered, Math.Min(threshold, _buffer.Length) - _buffered), cancellationToken);
            if (read == 0)
            {
                return;
            }
            _buffered += read;
        }
    }

    /// <summary>True when the whole content fit under the threshold; <see cref="Sha256"/> and <see cref="Length"/> are then known.</summary>
    public bool IsSmall { get; private set; }

    /// <summary>The bytes read ahead: the whole content when <see cref="IsSmall"/>.</summary>
    public ReadOnlyMemory<byte> Buffered => _buffer.AsMemory(0, _buffered);

    /// <summary>The bytes read ahead as a read-only stream over the same buffer (no copy).</summary>
    public MemoryStream OpenBuffered() => new(_buffer!, 0, _buffered, writable: false);

    /// <summary>The SHA-256 of the whole content, once it has been read to its end.</summary>
    public string Sha256 => _hashing.Sha256;

    /// <summary>Bytes of content read so far (the whole size, once read to its end).</summary>
    public long Length => _hashing.BytesRead;

    /// <summary>True once the content has been read to its end.</summary>
    public bool IsComplete => _hashing.ReachedEnd;

    /// <summary>The whole content as one forward-only stream: the bytes read ahead, then the rest, still being hashed.</summary>
    public Stream Remainder => new PrefixedStream(Buffered, _hashing);

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            TransferBuffers.Return(buffer);
        }
        _hashing.Dispose();
    }

    /// <summary>Checks the content against the hash the caller said it would have.</summary>
    public void ThrowIfNotExpected(string store, string key, PutOptions options)
    {
        if (options.ExpectedSha256 is { } expected && !string.Equals(Sha256Hex.Normalize(expected), Sha256, StringComparison.Ordinal))
        {
            throw new ObjectIntegrityException(store, key, expected, Sha256);
        }
    }

    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : ForwardReadStream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        protected override int ReadCore(Span<byte> buffer) =>
            !_prefix.IsEmpty && !buffer.IsEmpty ? TakePrefix(buffer) : rest.Read(buffer);

        protected override ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
            !_prefix.IsEmpty && !buffer.IsEmpty ? ValueTask.FromResult(TakePrefix(buffer.Span)) : rest.ReadAsync(buffer, cancellationToken);

        private int TakePrefix(Span<byte> buffer)
        {
            var count = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..count].CopyTo(buffer);
            _prefix = _prefix[count..];
            return count;
        }
    }
}
