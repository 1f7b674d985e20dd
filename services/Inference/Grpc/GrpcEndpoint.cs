using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Platform.Inference.Extensions;

namespace Platform.Inference.Grpc;

/// <summary>
/// The gRPC endpoint's port. gRPC needs HTTP/2, and without TLS Kestrel speaks HTTP/2 only on an endpoint that speaks nothing
/// else (a client cannot negotiate it on a port that also takes HTTP/1.1), so gRPC gets a port of its own, as in Triton
/// (8000 HTTP, 8001 gRPC). It is added to the server's addresses, however those were given (<c>ASPNETCORE_URLS</c>, as
/// Aspire and the tests give them, or <c>ASPNETCORE_HTTP_PORTS</c>, as a container image does), and that one address is set
/// to HTTP/2.
/// </summary>
public static class GrpcEndpoint
{
    private const string UrlsKey = "urls";
    private const string HttpPortsKey = "http_ports";

    public static IHostApplicationBuilder AddGrpcEndpoint(this IHostApplicationBuilder builder)
    {
        builder.Services.AddGrpc();
        builder.Services.AddOptions<GrpcServiceOptions>().Configure<IOptions<InferenceOptions>>((grpc, inference) =>
        {
            // The same limit as an HTTP body: a larger message is refused (RESOURCE_EXHAUSTED) before it is parsed.
            grpc.MaxReceiveMessageSize = inference.Value.MaxRequestBytes;
            grpc.MaxSendMessageSize = null;
        });
        var port = builder.Configuration.GetValue<int?>($"{InferenceOptions.SectionName}:{nameof(InferenceOptions.GrpcPort)}");
        if (port is not (> 0 and <= 65535))
        {
            // None, or out of range (which the options' validation reports when the server starts).
            return builder;
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

    /// <summary>The server's addresses with the gRPC port's added (on the host of the first), as <c>urls</c> spells them.</summary>
    public static string ServerUrls(IConfiguration configuration, int port)
    {
        var urls = Addresses(configuration);
        if (!urls.Any(url => url.Port == port))
        {
            urls.Add(new UriBuilder(urls[0]) { Port = port }.Uri);
        }
        return string.Join(';', urls.Select(Format));
    }

    /// <summary>The addresses ASP.NET Core would listen on: <c>urls</c>, else <c>http_ports</c> on every interface, else its default.</summary>
    private static List<Uri> Addresses(IConfiguration configuration)
    {
        var split = StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries;
        if (configuration[UrlsKey] is { Length: > 0 } urls)
        {
            return urls.Split(';', split).Select(Parse).ToList();
        }
        if (configuration[HttpPortsKey] is { Length: > 0 } ports)
        {
            return ports.Split(';', split).Select(port => Parse($"http://*:{port}")).ToList();
        }
        return [new Uri("http://localhost:5000")];
    }

    // '*' and '+' (every interface) are not host names a Uri takes; they stand in as a name that is, and back.
    private const string AnyHost = "any-interface.invalid";

    private static Uri Parse(string url) =>
        Uri.TryCreate(url.Replace("://*", $"://{AnyHost}").Replace("://+", $"://{AnyHost}"), UriKind.Absolute, out var uri)
            ? uri
            : throw new InvalidOperationException($"'{url}' is not a server address.");

    private static string Format(Uri url) => url.GetLeftPart(UriPartial.Authority).Replace(AnyHost, "*");
}
