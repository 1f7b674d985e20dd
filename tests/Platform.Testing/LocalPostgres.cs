using System.Diagnostics;

namespace Platform.Testing;

/// <summary>
/// A private PostgreSQL cluster (initdb + postgres from the Debian packages) in a temp folder on a free port, trusted on
/// loopback only. PostgreSQL refuses to run as root, so as root it runs as the <c>postgres</c> user.
/// </summary>
public sealed class LocalPostgres : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private const string ServiceUser = "postgres";

    private readonly string _folder;
    private ExternalProcess? _server;

    private LocalPostgres(string folder, int port)
    {
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    private string DataFolder => Path.Combine(_folder, "data");

    /// <summary>A connection string to <paramref name="database"/> as the superuser.</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Database={database};Username=postgres;Pooling=true;Timeout=15";

    public static async Task<LocalPostgres> StartNewAsync()
    {
        var folder = Directory.CreateTempSubdirectory("platform-postgres-").FullName;
        var cluster = new LocalPostgres(folder, FreePort.Next());
        try
        {
            if (IsRoot)
            {
                await RunAsync("chown", ["-R", $"{ServiceUser}:{ServiceUser}", folder]);
            }
            await RunAsync(AsServiceUser("initdb"), [.. AsServiceUserArguments("initdb", ["-D", cluster.DataFolder, "-U", "postgres", "-A", "trust", "--no-sync"])]);
            cluster._server = await ExternalProcess.StartAsync(
                AsServiceUser("postgres"),
                AsServiceUserArguments("postgres",
                [
                    "-D", cluster.DataFolder, "-p", cluster.Port.ToString(), "-k", folder, "-c", "listen_addresses=127.0.0.1",
                    // A throwaway test cluster: durability only costs time.
                    "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                ]),
                cluster.Port,
                StartTimeout);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static string AsServiceUser(string program) => IsRoot ? "runuser" : Binary(program);

    private static IEnumerable<string> AsServiceUserArguments(string program, IEnumerable<string> arguments) =>
        IsRoot ? ["-u", ServiceUser, "--", Binary(program), .. arguments] : arguments;

    /// <summary>The program on PATH, else from Debian's versioned folder (the postgresql package does not put initdb on PATH).</summary>
    private static string Binary(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(folder => File.Exists(Path.Combine(folder, program)))
            ? program
            : (Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql").Order().Select(version => Path.Combine(version, "bin", program)).LastOrDefault(File.Exists)
                : null) ?? program;

    private static async Task RunAsync(string fileName, IReadOnlyList<string> arguments)
    {
        var startInfo = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(StartTimeout);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output}{await error}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            try
            {
                // A fast shutdown removes the cluster's shared memory and pid file; killing it would leave them behind.
                await RunAsync(AsServiceUser("pg_ctl"), [.. AsServiceUserArguments("pg_ctl", ["stop", "-D", DataFolder, "-m", "fast", "-w", "-t", "20"])]);
            }
            catch (Exception exception) when (exception is InvalidOperationException or TimeoutException)
            {
                // Already down, or not stopping: the kill below ends it either way.
            }
            await _server.DisposeAsync();
        }
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A process still closing files; the OS cleans temp folders later.
        }
    }
}
