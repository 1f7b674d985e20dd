using System.Security.Cryptography;

namespace Platform.Storage.Tests.Conformance;

public static class TestContent
{
    public static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static string Sha256Of(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}

/// <summary>Deterministic pseudo-random content of any length, produced as it is read, so a 256 MiB object needs no 256 MiB array.</summary>
public sealed class GeneratedStream(long length, int seed = 1) : Stream
{
    private readonly Random _random = new(seed);
    private long _position;

    /// <summary>Throw an IOException once this many bytes were read, as a dropped client connection would.</summary>
    public long? FailAfter { get; init; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (FailAfter is { } failAfter && _position >= failAfter)
        {
            throw new IOException("The client went away mid-upload (simulated).");
        }
        var count = (int)Math.Min(buffer.Length, length - _position);
        if (FailAfter is { } limit)
        {
            count = (int)Math.Min(count, Math.Max(1, limit - _position));
        }
        _random.NextBytes(buffer[..count]);
        _position += count;
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    /// <summary>The SHA-256 the whole content will have.</summary>
    public static string Sha256Of(long length, int seed = 1)
    {
        using var stream = new GeneratedStream(length, seed);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
