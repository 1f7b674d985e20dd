using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Registry.Apis;
using Platform.Registry.Extensions;

namespace Platform.Registry.Tests.Hosting;

/// <summary>
/// The real registry, built exactly as Program.cs builds it, served by Kestrel on a free loopback port: tests talk to it over
/// real HTTP. Configuration comes only from the given settings (the content root is an empty folder, so no appsettings apply).
/// </summary>
public sealed class RegistryServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly WebApplication _app;
    private readonly string _contentRoot;

    private RegistryServer(WebApplication app, string contentRoot, Uri baseAddress)
    {
        _app = app;
        _contentRoot = contentRoot;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<RegistryServer> StartAsync(IReadOnlyDictionary<string, string?> settings, string environment, Action<ILoggingBuilder>? logging = null)
    {
        var contentRoot = Directory.CreateTempSubdirectory("platform-registry-host-").FullName;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ContentRootPath = contentRoot,
            ApplicationName = typeof(RegistryEndpoints).Assembly.GetName().Name,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        logging?.Invoke(builder.Logging);

        builder.AddServiceDefaults();
        builder.AddApplicationServices();
        var app = builder.Build();
        app.MapRegistry();

        await app.StartAsync().WaitAsync(StartTimeout);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new RegistryServer(app, contentRoot, new Uri(address));
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
