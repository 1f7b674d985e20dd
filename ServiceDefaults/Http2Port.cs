using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// A port of its own for gRPC. gRPC needs HTTP/2, and without TLS Kestrel speaks HTTP/2 only on an endpoint that speaks
/// nothing else (a client cannot negotiate it on a port that also takes HTTP/1.1), so gRPC gets a port of its own, as in
/// Triton (8000 HTTP, 8001 gRPC). It is added to the server's addresses, however those were given (<c>ASPNETCORE_URLS</c>,
/// as Aspire and the tests give them, or <c>ASPNETCORE_HTTP_PORTS</c>/<c>HTTPS_PORTS</c>, as a container image does), and
/// that one address is set to HTTP/2. The inference service (<c>Inference:GrpcPort</c>) and the gateway
/// (<c>Gateway:GrpcPort</c>) use it.
/// </summary>
public static class Http2Port
{
    private const string UrlsKey = "urls";
    private const string HttpPortsKey = "http_ports";
    private const string HttpsPortsKey = "https_ports";

    /// <summary>
    /// Adds the port the setting <paramref name="key"/> names, if any, to the server's addresses, speaking HTTP/2 only;
    /// nothing when the setting is unset or out of range (which the service's options validation reports).
    /// </summary>
    public static IHostApplicationBuilder AddHttp2Port(this IHostApplicationBuilder builder, string key)
    {
        var port = builder.Configuration.GetValue<int?>(key);
        if (port is not (> 0 and <= 65535))
        {
            return builder;
        }
        if (builder.Configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
        {
            throw new InvalidOperationException(
                $"{key} cannot be combined with Kestrel:Endpoints, which replace the server's addresses: declare the gRPC endpoint there instead, with Protocols Http2.");
        }
        builder.Configuration[UrlsKey] = ServerUrls(builder.Configuration, port.Value, key);
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
    /// The server's addresses with <paramref name="port"/> added (on the host of the first), as <c>urls</c> spells them.
    /// Throws when it is the server's only port: the HTTP API would be lost to HTTP/2.
    /// </summary>
    public static string ServerUrls(IConfiguration configuration, int port, string key)
    {
        var urls = Addresses(configuration, key);
        if (urls.All(url => url.Port == port))
        {
            throw new InvalidOperationException(
                $"{key} is {port}, the port of the server's HTTP API ({string.Join(", ", urls.Select(Format))}): give gRPC a port of its own.");
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
    private static List<Uri> Addresses(IConfiguration configuration, string key)
    {
        var split = StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries;
        if (configuration[UrlsKey] is { Length: > 0 } urls)
        {
            return urls.Split(';', split).Select(url => Parse(url, key)).ToList();
        }
        var ports = (configuration[HttpPortsKey] ?? "").Split(';', split).Select(port => Parse($"http://*:{port}", key))
            .Concat((configuration[HttpsPortsKey] ?? "").Split(';', split).Select(port => Parse($"https://*:{port}", key)))
            .ToList();
        return ports.Count > 0 ? ports : [new Uri("http://localhost:5000")];
    }

    // '*' and '+' (every interface) are not host names a Uri takes; they stand in as a name that is, and back.
    private const string AnyHost = "any-interface.invalid";

    private static Uri Parse(string url, string key) =>
        Uri.TryCreate(url.Replace("://*", $"://{AnyHost}").Replace("://+", $"://{AnyHost}"), UriKind.Absolute, out var uri)
            ? uri
            : throw new InvalidOperationException($"'{url}' is not a server address {key} can be added beside.");

    private static string Format(Uri url) => url.GetLeftPart(UriPartial.Authority).Replace(AnyHost, "*");
}
