using System.Diagnostics;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Platform.Inference.Extensions;

namespace Platform.Inference.Grpc;

/// <summary>
/// The protocol's gRPC API on the port <c>Inference:GrpcPort</c> names, HTTP/2 only (ServiceDefaults' <see cref="Http2Port"/>).
/// </summary>
public static class GrpcEndpoint
{
    private const string GrpcPortKey = $"{InferenceOptions.SectionName}:{nameof(InferenceOptions.GrpcPort)}";

    public static IHostApplicationBuilder AddGrpcEndpoint(this IHostApplicationBuilder builder)
    {
        builder.Services.AddGrpc();
        builder.Services.AddOptions<GrpcServiceOptions>().Configure<IOptions<InferenceOptions>>((grpc, inference) =>
        {
            // The same limit as an HTTP body: a larger message is refused (RESOURCE_EXHAUSTED) before it is parsed, and a
            // compressed one as soon as it inflates past it (gRPC's own gzip would inflate it whole first).
            grpc.MaxReceiveMessageSize = inference.Value.MaxRequestBytes;
            grpc.MaxSendMessageSize = null;
            grpc.CompressionProviders.Clear();
            grpc.CompressionProviders.Add(new BoundedGzipProvider(inference.Value.MaxRequestBytes));
        });
        return builder.AddHttp2Port(GrpcPortKey);
    }

    /// <summary>
    /// Before a gRPC call reads its message: lets the body run to <c>Inference:MaxRequestBytes</c> (Kestrel's own body limit,
    /// 30 MB, would cut a unary call short before gRPC's message limit, the one that answers RESOURCE_EXHAUSTED, could
    /// apply), and notes when the request arrived, so that its duration in the metrics counts the read as HTTP's does.
    /// </summary>
    public static IApplicationBuilder UseGrpcCalls(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
            {
                context.Items[ArrivedKey] = Stopwatch.GetTimestamp();
                if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                {
                    limit.MaxRequestBodySize = null;
                }
            }
            return next(context);
        });

    /// <summary>When the call's request arrived (<see cref="Stopwatch.GetTimestamp"/>), as <see cref="UseGrpcCalls"/> noted it.</summary>
    public static long Arrived(HttpContext context) => context.Items[ArrivedKey] as long? ?? Stopwatch.GetTimestamp();

    private static readonly object ArrivedKey = new();
}
