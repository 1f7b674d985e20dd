using System.IO.Compression;
using Grpc.Core;
using Grpc.Net.Compression;

namespace Platform.Inference.Grpc;

/// <summary>
/// gzip for gRPC messages, inflating no more than <paramref name="limit"/> bytes. gRPC checks its message size limit against
/// the compressed message only, and its own gzip inflates without one: a few megabytes of gzip could ask for gigabytes.
/// Past the limit a call ends with RESOURCE_EXHAUSTED, as an uncompressed message over it does.
/// </summary>
public sealed class BoundedGzipProvider(int limit) : ICompressionProvider
{
    public string EncodingName => "gzip";

    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) =>
        new GZipStream(stream, compressionLevel ?? CompressionLevel.Fastest, leaveOpen: true);

    public Stream CreateDecompressionStream(Stream stream) => new Bounded(new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true), limit);

    private sealed class Bounded(Stream inner, int limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int read)
        {
            _read += read;
            return _read <= limit
                ? read
                : throw new RpcException(new Status(StatusCode.ResourceExhausted,
                    $"The message inflates to more than the server's limit of {limit} bytes (Inference:MaxRequestBytes)."));
        }

        public override void Flush() => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
