using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Testing;
using Yarp.ReverseProxy.Forwarder;

namespace Platform.AppHost.Bench;

/// <summary>
/// YARP's forwarder and nothing else (<c>MapForwarder</c>, in this process, no telemetry, no logging) in front of one inference
/// service: what the library the gateway is built on costs by itself, so the gateway's own share (routing by model, the
/// buffered body it can send again, failover, metrics, traces) shows as the difference.
/// </summary>
public sealed class BareYarp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BareYarp(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    /// <param name="http2">Forward over HTTP/2 with prior knowledge (<paramref name="upstream"/> is then an HTTP/2-only endpoint), as the gateway does locally.</param>
    public static async Task<BareYarp> StartAsync(Uri upstream, bool http2)
    {
        var url = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url.ToString());
        builder.Services.AddHttpForwarder();
        var app = builder.Build();
        app.MapForwarder("/{**rest}", upstream.ToString(), http2
            ? new ForwarderRequestConfig { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact }
            : ForwarderRequestConfig.Empty);
        await app.StartAsync();
        return new BareYarp(app, url);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
