using System.Buffers.Binary;
using Google.Protobuf;

namespace Platform.Gateway.Routing;

/// <summary>
/// The protocol's gRPC API (<c>inference.GRPCInferenceService</c>) as the gateway forwards it: which model a call is about,
/// read from its message (gRPC carries it in the protobuf body, not in the path), and the gateway's own answers as gRPC
/// statuses, so a gRPC client reads them as it reads the server's.
/// </summary>
public static class GrpcCalls
{
    /// <summary>The service's path prefix: a call is <c>POST /inference.GRPCInferenceService/{Method}</c>.</summary>
    public const string ServicePath = "/inference.GRPCInferenceService";

    // gRPC status codes (grpc/doc/statuscodes.md).
    public const int NotFound = 5;
    public const int ResourceExhausted = 8;
    public const int Unavailable = 14;

    private const int ModelNameSearchBytes = 64 * 1024;

    /// <summary>
    /// The calls whose request names a model, in field 1 (ModelInferRequest.model_name, ModelReadyRequest.name,
    /// ModelMetadataRequest.name, and Triton's ModelStatisticsRequest.name, empty for every model).
    /// </summary>
    private static readonly HashSet<string> ModelCalls = new(["ModelInfer", "ModelReady", "ModelMetadata", "ModelStatistics"], StringComparer.Ordinal);

    public static bool IsCall(HttpRequest request) =>
        request.Path.StartsWithSegments(ServicePath) && request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>
    /// The model a call names, from its buffered body (read, then rewound); null for a server-wide call, and for a message
    /// the gateway cannot read (compressed, or malformed: the server will say what is wrong with it).
    /// </summary>
    public static string? ModelOf(HttpRequest request)
    {
        // The path is the service's, then "/{Method}".
        if (!request.Path.StartsWithSegments(ServicePath, out var method) || !ModelCalls.Contains(method.Value?.TrimStart('/') ?? "") || !request.Body.CanSeek)
        {
            return null;
        }
        try
        {
            // The message's prefix: a compressed flag and the length (big-endian), then the protobuf message.
            Span<byte> prefix = stackalloc byte[5];
            if (request.Body.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false) < prefix.Length || prefix[0] != 0)
            {
                return null;
            }
            var length = BinaryPrimitives.ReadUInt32BigEndian(prefix[1..]);
            if (length > request.Body.Length - prefix.Length)
            {
                return null;
            }
            // Field 1 comes first as protobuf writes a message, so little is read; the limit keeps a call whose name comes
            // after megabytes of tensor data (or never) from costing more. Not disposed: that would close the body.
            var message = CodedInputStream.CreateWithLimits(request.Body, ModelNameSearchBytes, recursionLimit: 8);
            for (var tag = message.ReadTag(); tag != 0; tag = message.ReadTag())
            {
                if (WireFormat.GetTagFieldNumber(tag) == 1 && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
                {
                    return message.ReadString() is { Length: > 0 } model ? model : null;
                }
                message.SkipLastField();
            }
            return null;
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
        finally
        {
            request.Body.Position = 0;
        }
    }

    /// <summary>
    /// Answers the call with a gRPC status and no message (a trailers-only response: HTTP 200, the status in the headers),
    /// as a gRPC server answers a call it refuses.
    /// </summary>
    public static Task RefuseAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Percent-encoded, as the gRPC over HTTP/2 spec asks of grpc-message.
        context.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
        return context.Response.CompleteAsync();
    }
}
