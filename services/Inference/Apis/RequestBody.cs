using System.Buffers;
using Microsoft.AspNetCore.Http.Features;
using Platform.Inference.Protocol;

namespace Platform.Inference.Apis;

/// <summary>A request body read whole into a pooled buffer, never beyond the configured limit.</summary>
public sealed class RequestBody : IDisposable
{
    private byte[]? _buffer;

    private RequestBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    /// <summary>The body; valid until this is disposed, when the buffer goes back to its pool.</summary>
    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    /// <summary>Reads the body; a body over <paramref name="limit"/> bytes gets 413 before (Content-Length) or as soon as (chunked) it shows.</summary>
    public static async Task<RequestBody> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            throw TooLarge(request.ContentLength.Value, limit);
        }
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(request.ContentLength ?? 64 * 1024, 1024, limit));
        var length = 0;
        try
        {
            while (true)
            {
                var capacity = Math.Min(buffer.Length, limit);
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
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                    continue;
                }
                var read = await request.Body.ReadAsync(buffer.AsMemory(length, capacity - length), cancellationToken);
                if (read == 0)
                {
                    break;
                }
                length += read;
            }
            return new RequestBody(buffer, length);
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
