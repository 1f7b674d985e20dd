using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Platform.Testing;

/// <summary>
/// A real server (an emulator) run as a child process for the life of a test fixture: started once, ready when its TCP port
/// accepts connections, killed with its whole process tree on dispose. Its output is kept, so a failed start says why.
/// </summary>
public sealed class ExternalProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ExternalProcess(Process process)
    {
        _process = process;
    }

    /// <summary>The operating system's id of the process, e.g. to read its memory use from /proc.</summary>
    public int ProcessId => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<ExternalProcess> StartAsync(
        string fileName,
        IEnumerable<string> arguments,
        int port,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException(
                $"Could not start '{fileName}': {exception.Message}. Run scripts/install-prerequisites.sh to install the local emulators.", exception);
        }

        var server = new ExternalProcess(process);
        process.OutputDataReceived += (_, line) => server.Append(line.Data);
        process.ErrorDataReceived += (_, line) => server.Append(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await WaitForPortAsync(process, port, timeout);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            if (_output.Length < 64 * 1024)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static async Task WaitForPortAsync(Process process, int port, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.StartInfo.FileName} exited with code {process.ExitCode} before it listened on port {port}.");
            }
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port).WaitAsync(TimeSpan.FromSeconds(1));
                return;
            }
            catch (Exception exception) when (exception is SocketException or TimeoutException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException($"{process.StartInfo.FileName} did not listen on port {port} within {timeout.TotalSeconds:0} s.");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException)
        {
            // Already gone, or refusing to die; either way the fixture is done with it.
        }
        _process.Dispose();
    }
}
