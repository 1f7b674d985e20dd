namespace Platform.Testing;

/// <summary>
/// A service of this repository run from its build output as a child process, configured only by environment variables:
/// what a deployment runs, and what a test can kill -9 (<see cref="KillAsync"/>) and start again.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly ExternalProcess _process;

    private ServiceProcess(ExternalProcess process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The operating system's id of the service's process (the <c>dotnet</c> host runs the service in-process).</summary>
    public int ProcessId => _process.ProcessId;

    /// <summary>What the process wrote to stdout and stderr (the first 64 KiB).</summary>
    public string Output => _process.Output;

    /// <param name="serviceFolder">The project folder, e.g. <c>services/Sync</c>; the calling test project references it, so it is built.</param>
    /// <param name="assemblyName">e.g. <c>Platform.Sync</c>.</param>
    /// <param name="settings">Configuration keys (<c>Sync:Cloud</c>) and values, passed as environment variables (<c>Sync__Cloud</c>).</param>
    public static async Task<ServiceProcess> StartAsync(string serviceFolder, string assemblyName, IReadOnlyDictionary<string, string?> settings,
        string environment = "Production")
    {
        var port = FreePort.Next();
        var output = Path.Combine(RepositoryPaths.Root, serviceFolder, "bin", RepositoryPaths.Configuration, "net10.0");
        var variables = settings.Where(setting => setting.Value is not null)
            .ToDictionary(setting => setting.Key.Replace(":", "__", StringComparison.Ordinal), setting => setting.Value!);
        variables["ASPNETCORE_ENVIRONMENT"] = environment;
        variables["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        var process = await ExternalProcess.StartAsync("dotnet", [Path.Combine(output, assemblyName + ".dll")], port, StartTimeout, variables, output);
        return new ServiceProcess(process, new Uri($"http://127.0.0.1:{port}"));
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

    /// <summary>Polls <paramref name="path"/> until it answers 200 (<see cref="ServiceHealth"/>).</summary>
    public async Task WaitUntilHealthyAsync(TimeSpan timeout, string path = "/health")
    {
        using var client = CreateClient();
        await ServiceHealth.WaitAsync(client, timeout, path, () => Output);
    }

    /// <summary>Ends the process with SIGKILL: no shutdown code runs, as in a crash or an OOM kill.</summary>
    public ValueTask KillAsync() => _process.DisposeAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
