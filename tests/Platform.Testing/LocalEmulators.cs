namespace Platform.Testing;

/// <summary>
/// Starts the same local emulators the AppHost uses, on free loopback ports, each as a child process with its own data folder.
/// Dispose the returned emulator to stop it and delete its data.
/// </summary>
public static class LocalEmulators
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>moto_server, the S3 emulator (pip package moto[server]), on <paramref name="port"/> or a free one.</summary>
    public static async Task<RunningEmulator> StartS3Async(int? fixedPort = null)
    {
        var port = fixedPort ?? FreePort.Next();
        var process = await ExternalProcess.StartAsync("moto_server", ["-H", "127.0.0.1", "-p", port.ToString()], port, StartTimeout);
        return new RunningEmulator(process, $"http://127.0.0.1:{port}", dataFolder: null);
    }

    /// <summary>Azurite's blob service, from the project-local npm install in tools/azurite.</summary>
    public static async Task<RunningEmulator> StartAzuriteAsync()
    {
        var port = FreePort.Next();
        var data = Directory.CreateTempSubdirectory("platform-azurite-").FullName;
        var executable = Path.Combine(RepositoryPaths.Root, "tools", "azurite", "node_modules", ".bin", "azurite-blob");
        var process = await ExternalProcess.StartAsync(
            executable,
            ["--blobHost", "127.0.0.1", "--blobPort", port.ToString(), "--location", data, "--skipApiVersionCheck", "--loose", "--disableTelemetry"],
            port,
            StartTimeout);
        return new RunningEmulator(process, $"http://127.0.0.1:{port}/devstoreaccount1", data);
    }

    /// <summary>The project's GCS emulator, run from its own build output (the caller's project references it, so it is built).</summary>
    public static async Task<RunningEmulator> StartGcsAsync()
    {
        var port = FreePort.Next();
        var data = Directory.CreateTempSubdirectory("platform-gcs-").FullName;
        var assembly = Path.Combine(RepositoryPaths.Root, "services", "GcsEmulator", "bin", RepositoryPaths.Configuration, "net10.0", "Platform.GcsEmulator.dll");
        var process = await ExternalProcess.StartAsync(
            "dotnet",
            [assembly, "--urls", $"http://127.0.0.1:{port}", "--data", data],
            port,
            StartTimeout);
        return new RunningEmulator(process, $"http://127.0.0.1:{port}", data);
    }

    /// <summary>The connection string of Azurite's well-known development account (public, documented by Microsoft).</summary>
    public static string AzuriteConnectionString(string blobEndpoint) =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint={blobEndpoint};";
}

public sealed class RunningEmulator(ExternalProcess process, string endpoint, string? dataFolder) : IAsyncDisposable
{
    public string Endpoint { get; } = endpoint;

    public async ValueTask DisposeAsync()
    {
        await process.DisposeAsync();
        if (dataFolder is not null && Directory.Exists(dataFolder))
        {
            Directory.Delete(dataFolder, recursive: true);
        }
    }
}
