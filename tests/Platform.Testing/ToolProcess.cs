using System.Diagnostics;

namespace Platform.Testing;

/// <summary>Runs a command-line tool from Debian's packages (the load generators) to its end and returns what it printed.</summary>
internal static class ToolProcess
{
    /// <param name="timeout">How long the tool may run before it is killed and this throws <see cref="TimeoutException"/>.</param>
    /// <exception cref="InvalidOperationException">The tool is not installed (the message says how to install it), or it failed.</exception>
    public static async Task<string> RunAsync(string tool, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException($"{tool} is not installed: apt-get install -y {tool}", exception);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            try
            {
                await process.WaitForExitAsync().WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                process.Kill();
                throw new TimeoutException($"{tool} did not finish within {timeout.TotalSeconds:0} s: {tool} {string.Join(' ', start.ArgumentList)}");
            }
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{tool} exited with {process.ExitCode}: {await error}{await output}");
            }
            return await output;
        }
    }
}
