using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Platform.Testing;

/// <summary>
/// A real service, built the way its Program.cs builds it (the caller passes the same two steps), served by Kestrel on a
/// free loopback port, so tests talk to it over real HTTP. Configuration comes only from the given settings: the content
/// root is an empty temp folder, so no appsettings file applies.
/// </summary>
public sealed class InProcessServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly WebApplication _app;
    private readonly string _contentRoot;

    private InProcessServer(WebApplication app, string contentRoot, Uri baseAddress)
    {
        _app = app;
        _contentRoot = contentRoot;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="applicationName">The service's assembly name (user secrets, OpenAPI titles and the like key on it).</param>
    /// <param name="build">What Program.cs does to the builder, e.g. AddServiceDefaults and AddApplicationServices.</param>
    /// <param name="map">What Program.cs does to the app, e.g. MapDefaultEndpoints and the service's routes.</param>
    /// <param name="port">A fixed port, to start a service again where its clients expect it; 0: any free port.</param>
    public static async Task<InProcessServer> StartAsync(
        string applicationName,
        IReadOnlyDictionary<string, string?> settings,
        string environment,
        Action<WebApplicationBuilder> build,
        Action<WebApplication> map,
        Action<ILoggingBuilder>? logging = null,
        int port = 0)
    {
        var contentRoot = Directory.CreateTempSubdirectory("platform-host-").FullName;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ContentRootPath = contentRoot,
            ApplicationName = applicationName,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        logging?.Invoke(builder.Logging);
        build(builder);
        var app = builder.Build();
        map(app);

        await app.StartAsync().WaitAsync(StartTimeout);
        // The first address is the one given here; a service may add more (the inference server's gRPC port).
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new InProcessServer(app, contentRoot, new Uri(address));
    }

    public HttpClient CreateClient(string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(StartTimeout);
        await _app.DisposeAsync();
        Directory.Delete(_contentRoot, recursive: true);
    }
}
