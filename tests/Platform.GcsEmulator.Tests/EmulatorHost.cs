using Google.Cloud.Storage.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Platform.GcsEmulator.Tests;

/// <summary>The emulator in this process on a free loopback port, over a data folder that outlives restarts.</summary>
public sealed class EmulatorHost : IAsyncLifetime
{
    private WebApplication? _app;

    public string DataPath { get; } = Directory.CreateTempSubdirectory("platform-gcs-tests-").FullName;

    public string BaseUrl { get; private set; } = "";

    public StorageClient Client { get; private set; } = null!;

    public HttpClient Http { get; } = new();

    public async ValueTask InitializeAsync() => await StartAsync();

    /// <summary>Stops the emulator and starts a new one over the same data, as a process restart would.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    private async Task StartAsync()
    {
        _app = GcsEmulatorApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"], DataPath);
        await _app.StartAsync();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Client = new StorageClientBuilder { BaseUri = BaseUrl + "/storage/v1/", UnauthenticatedAccess = true }.Build();
    }

    private async Task StopAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Http.Dispose();
        Directory.Delete(DataPath, recursive: true);
    }
}
