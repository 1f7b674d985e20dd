using System.Security.Cryptography;

namespace Platform.Storage;

/// <summary>
/// The content of one object (or a range of it), with what the store knew of the object when it was opened.
/// When opened with <see cref="ReadOptions.VerifySha256"/>, reading to the end throws <see cref="ObjectIntegrityException"/>
/// if the bytes do not hash to the recorded SHA-256.
/// </summary>
public sealed class ObjectReadStream : ForwardReadStream
{
    private readonly Stream _inner;
    private readonly string _store;
    private readonly IDisposable? _owner;
    private IncrementalHash? _hash;

    public ObjectReadStream(string store, ObjectInfo info, Stream inner, bool verify, IDisposable? owner = null)
    {
        _store = store;
        _inner = inner;
        _owner = owner;
        Info = info;
        if (verify)
        {
            if (!Sha256Hex.IsValid(info.Sha256))
            {
                inner.Dispose();
                owner?.Dispose();
                throw new ObjectIntegrityException(store, info.Key, info.Sha256, "(not computed: the object has no recorded SHA-256)");
            }
            _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        }
    }

    /// <summary>The object as the store described it when the read began.</summary>
    public ObjectInfo Info { get; }

    protected override int ReadCore(Span<byte> buffer)
    {
        var read = _inner.Read(buffer);
        Observe(buffer[..read], buffer.Length);
        return read;
    }

    protected override async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = await _inner.ReadAsync(buffer, cancellationToken);
        Observe(buffer.Span[..read], buffer.Length);
        return read;
    }

    private void Observe(ReadOnlySpan<byte> data, int requested)
    {
        if (_hash is null)
        {
            return;
        }
        if (!data.IsEmpty)
        {
            _hash.AppendData(data);
            return;
        }
        if (requested == 0)
        {
            return;
        }
        var actual = Convert.ToHexStringLower(_hash.GetHashAndReset());
        _hash.Dispose();
        _hash = null;
        if (!string.Equals(actual, Info.Sha256, StringComparison.Ordinal))
        {
            throw new ObjectIntegrityException(_store, Info.Key, Info.Sha256, actual);
        }
    }

    public override long Length => throw new NotSupportedException("Use Info.Size for the object's size.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash?.Dispose();
            _inner.Dispose();
            _owner?.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        _hash?.Dispose();
        await _inner.DisposeAsync();
        _owner?.Dispose();
        GC.SuppressFinalize(this);
    }
}
