using System.Security.Cryptography;
using Platform.Storage;

namespace Platform.Testing;

/// <summary>Deterministic pseudo-random content of any length, produced as it is read, so a 256 MiB object needs no 256 MiB array.</summary>
public sealed class GeneratedStream(long length, int seed = 1) : ForwardReadStream
{
    private readonly Random _random = new(seed);

    /// <summary>Throw an IOException once this many bytes were read, as a dropped client connection would.</summary>
    public long? FailAfter { get; init; }

    public override long Length => length;

    protected override int ReadCore(Span<byte> buffer)
    {
        if (FailAfter is { } failAfter && BytesRead >= failAfter)
        {
            throw new IOException("The client went away mid-upload (simulated).");
        }
        var count = (int)Math.Min(buffer.Length, Math.Min(length, FailAfter ?? length) - BytesRead);
        _random.NextBytes(buffer[..Math.Max(count, 0)]);
        return Math.Max(count, 0);
    }

    protected override ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ReadCore(buffer.Span));

    /// <summary>The SHA-256 the whole content will have.</summary>
    public static string Sha256Of(long length, int seed = 1)
    {
        using var stream = new GeneratedStream(length, seed);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
