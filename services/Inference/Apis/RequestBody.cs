using System.Buffers;
using Microsoft.AspNetCore.Http.Features;
using Platform.Inference.Protocol;

namespace Platform.Inference.Apis;

/// <summary>A request body read whole into a pooled buffer, never beyond the configured limit.</summary>
public sealed class RequestBody : IDisposable
{
    private readonly int _start;
    private byte[]? _buffer;

    private RequestBody(byte[] buffer, int start, int length)
    {
        _buffer = buffer;
        _start = start;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(_start, Length);

    /// <summary>The body; valid until this is disposed, when the buffer goes back to its pool.</summary>
    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(_start, Length);

    /// <summary>
    /// Reads the body; a body over <paramref name="limit"/> bytes gets 413 before (Content-Length) or as soon as (chunked) it
    /// shows. The byte at <paramref name="alignedAt"/> (where binary tensor data starts) lands 8-byte aligned, so that a
    /// lone request's tensor can be handed to ONNX Runtime where it lies.
    /// </summary>
    public static async Task<RequestBody> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken, long alignedAt = 0)
    {
        if (request.ContentLength > limit)
        {
            throw TooLarge(request.ContentLength.Value, limit);
        }
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }
        // An array's elements start 8-byte aligned, and stay so when the collector moves it.
        var start = (int)((8 - alignedAt % 8) % 8);
        var buffer = Rent(start + Math.Clamp(request.ContentLength ?? 64 * 1024, 1024, limit));
        var length = 0;
        try
        {
            while (true)
            {
                var capacity = Math.Min(buffer.Length - start, limit);
                if (length == capacity)
                {
                    if (capacity == limit)
                    {
                        // Full at the limit: one more byte would be too much.
                        if (await request.Body.ReadAsync(new byte[1], cancellationToken) > 0)
                        {
                            throw TooLarge(null, limit);
                        }
                        break;
                    }
                    var larger = Rent(start + Math.Min((long)(buffer.Length - start) * 2, limit));
                    if (larger.Length <= buffer.Length)
                    {
                        // No array is larger (a limit near 2 GiB): the body is too large for this server.
                        ArrayPool<byte>.Shared.Return(larger);
                        throw TooLarge(null, buffer.Length - start);
                    }
                    buffer.AsSpan(start, length).CopyTo(larger.AsSpan(start));
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                    continue;
                }
                var read = await request.Body.ReadAsync(buffer.AsMemory(start + length, capacity - length), cancellationToken);
                if (read == 0)
                {
                    break;
                }
                length += read;
            }
            return new RequestBody(buffer, start, length);
        }
        catch (BadHttpRequestException exception)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw new ProtocolException(exception.StatusCode == StatusCodes.Status413PayloadTooLarge ? TooLarge(null, limit).Message : exception.Message, exception.StatusCode);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private static byte[] Rent(long bytes) => ArrayPool<byte>.Shared.Rent((int)Math.Min(bytes, Array.MaxLength));

    private static ProtocolException TooLarge(long? length, int limit) =>
        new($"The request body{(length is null ? "" : $" is {length} bytes; it")} exceeds the limit of {limit} bytes (Inference:MaxRequestBytes).",
            StatusCodes.Status413PayloadTooLarge);

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
