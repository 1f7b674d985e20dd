using System.Diagnostics;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Platform.Inference.Extensions;

namespace Platform.Inference.Grpc;

/// <summary>
/// The gRPC endpoint's port. gRPC needs HTTP/2, and without TLS Kestrel speaks HTTP/2 only on an endpoint that speaks nothing
/// else (a client cannot negotiate it on a port that also takes HTTP/1.1), so gRPC gets a port of its own, as in Triton
/// (8000 HTTP, 8001 gRPC). It is added to the server's addresses, however those were given (<c>ASPNETCORE_URLS</c>, as
/// Aspire and the tests give them, or <c>ASPNETCORE_HTTP_PORTS</c>/<c>HTTPS_PORTS</c>, as a container image does), and that
/// one address is set to HTTP/2.
/// </summary>
public static class GrpcEndpoint
{
    private const string UrlsKey = "urls";
    private const string HttpPortsKey = "http_ports";
    private const string HttpsPortsKey = "https_ports";
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
        var port = builder.Configuration.GetValue<int?>(GrpcPortKey);
        if (port is not (> 0 and <= 65535))
        {
            // None, or out of range (which the options' validation reports when the server starts).
            return builder;
        }
        if (builder.Configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
        {
            throw new InvalidOperationException(
                $"{GrpcPortKey} cannot be combined with Kestrel:Endpoints, which replace the server's addresses: declare the gRPC endpoint there instead, with Protocols Http2.");
        }
        builder.Configuration[UrlsKey] = ServerUrls(builder.Configuration, port.Value);
        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.ConfigureEndpointDefaults(listen =>
        {
            if (listen.IPEndPoint?.Port == port)
            {
                listen.Protocols = HttpProtocols.Http2;
            }
        }));
        return builder;
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

    /// <summary>
    /// The server's addresses with the gRPC port's added (on the host of the first), as <c>urls</c> spells them. Throws when
    /// the gRPC port is the server's only port: the HTTP API would be lost to HTTP/2.
    /// </summary>
    public static string ServerUrls(IConfiguration configuration, int port)
    {
        var urls = Addresses(configuration);
        if (urls.All(url => url.Port == port))
        {
            throw new InvalidOperationException(
                $"{GrpcPortKey} is {port}, the port of the server's HTTP API ({string.Join(", ", urls.Select(Format))}): give gRPC a port of its own.");
        }
        if (!urls.Any(url => url.Port == port))
        {
            urls.Add(new UriBuilder(urls[0]) { Scheme = Uri.UriSchemeHttp, Port = port }.Uri);
        }
        return string.Join(';', urls.Select(Format));
    }

    /// <summary>
    /// The addresses ASP.NET Core would listen on: <c>urls</c>; else <c>http_ports</c> and <c>https_ports</c> on every
    /// interface; else its default.
    /// </summary>
    private static List<Uri> Addresses(IConfiguration configuration)
    {
        var split = StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries;
        if (configuration[UrlsKey] is { Length: > 0 } urls)
        {
            return urls.Split(';', split).Select(Parse).ToList();
        }
        var ports = (configuration[HttpPortsKey] ?? "").Split(';', split).Select(port => Parse($"http://*:{port}"))
            .Concat((configuration[HttpsPortsKey] ?? "").Split(';', split).Select(port => Parse($"https://*:{port}")))
            .ToList();
        return ports.Count > 0 ? ports : [new Uri("http://localhost:5000")];
    }

    // '*' and '+' (every interface) are not host names a Uri takes; they stand in as a name that is, and back.
    private const string AnyHost = "any-interface.invalid";

    private static Uri Parse(string url) =>
        Uri.TryCreate(url.Replace("://*", $"://{AnyHost}").Replace("://+", $"://{AnyHost}"), UriKind.Absolute, out var uri)
            ? uri
            : throw new InvalidOperationException($"'{url}' is not a server address {GrpcPortKey} can be added beside.");

    private static string Format(Uri url) => url.GetLeftPart(UriPartial.Authority).Replace(AnyHost, "*");
}
