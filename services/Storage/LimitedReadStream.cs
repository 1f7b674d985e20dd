namespace Platform.Storage;

/// <summary>Reads at most <paramref name="length"/> bytes of <paramref name="inner"/>, then reports the end.</summary>
internal sealed class LimitedReadStream(Stream inner, long length) : ForwardReadStream
{
    public override long Length { get; } = length;

    private int Allowed(int requested) => (int)Math.Min(requested, Length - BytesRead);

    protected override int ReadCore(Span<byte> buffer) => inner.Read(buffer[..Allowed(buffer.Length)]);

    protected override ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        inner.ReadAsync(buffer[..Allowed(buffer.Length)], cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
