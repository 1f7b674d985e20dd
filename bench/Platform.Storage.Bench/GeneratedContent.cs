namespace Platform.Storage.Bench;

/// <summary>Pseudo-random bytes of a given length, produced as they are read: a large upload with no large array behind it.</summary>
public sealed class GeneratedContent(long length, int seed = 1) : ForwardReadStream
{
    private readonly Random _random = new(seed);

    public override long Length => length;

    protected override int ReadCore(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, length - BytesRead);
        _random.NextBytes(buffer[..count]);
        return count;
    }

    protected override ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ReadCore(buffer.Span));
}
