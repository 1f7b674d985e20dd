using System.Diagnostics;
using Platform.Testing;

namespace Platform.Sync.Bench;

/// <summary>
/// Runs <c>rclone copy</c> (Debian's package) from the S3 emulator to Azurite, with both remotes configured only by
/// environment variables: <c>src</c> (s3, provider Other, path style) and <c>dst</c> (azureblob through a container SAS URL).
/// </summary>
public sealed class Rclone(BenchClouds clouds, int transfers)
{
    /// <summary>Where rclone's copies go in the destination container, apart from the worker's.</summary>
    public const string DestinationPrefix = "rclone/";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(20);

    public string CommandLine(string prefix) =>
        $"rclone copy --transfers {transfers} src:{BenchClouds.Bucket}/{prefix} dst:{BenchClouds.Bucket}/{DestinationPrefix}{prefix}";

    /// <summary>The remotes' settings, as environment variables (the SAS URL carries a signature, so it is not printed).</summary>
    public IReadOnlyDictionary<string, string> Environment(bool printable = false) => new Dictionary<string, string>
    {
        ["RCLONE_CONFIG_SRC_TYPE"] = "s3",
        ["RCLONE_CONFIG_SRC_PROVIDER"] = "Other",
        ["RCLONE_CONFIG_SRC_ENDPOINT"] = printable ? "http://127.0.0.1:<moto port>" : clouds.S3Endpoint,
        ["RCLONE_CONFIG_SRC_REGION"] = "us-east-1",
        ["RCLONE_CONFIG_SRC_ACCESS_KEY_ID"] = "test",
        ["RCLONE_CONFIG_SRC_SECRET_ACCESS_KEY"] = "test",
        ["RCLONE_CONFIG_SRC_FORCE_PATH_STYLE"] = "true",
        ["RCLONE_CONFIG_DST_TYPE"] = "azureblob",
        ["RCLONE_CONFIG_DST_SAS_URL"] = printable
            ? $"http://127.0.0.1:<azurite port>/devstoreaccount1/{BenchClouds.Bucket}?<container SAS, all permissions>"
            : clouds.DestinationSasUrl(Timeout).ToString(),
    };

    /// <summary>Copies everything under <paramref name="prefix"/>; returns how long rclone ran, its peak resident memory and its CPU time.</summary>
    public async Task<(TimeSpan Elapsed, long PeakResidentBytes, TimeSpan Cpu)> CopyAsync(string prefix)
    {
        var start = new ProcessStartInfo("rclone") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "copy", "--transfers", transfers.ToString(), $"src:{BenchClouds.Bucket}/{prefix}", $"dst:{BenchClouds.Bucket}/{DestinationPrefix}{prefix}" })
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in Environment())
        {
            start.Environment[name] = value;
        }
        // rclone's AWS SDK refuses to start when this points at a CA bundle (it cannot apply one to rclone's transport);
        // the emulators are plain http anyway.
        start.Environment.Remove("AWS_CA_BUNDLE");
        var started = Stopwatch.GetTimestamp();
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException("rclone is not installed: apt-get install -y rclone", exception);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            // VmHWM and CPU time only grow, so their last readings before the exit are the totals (to within the sampling interval).
            long peak = 0;
            var cpu = TimeSpan.Zero;
            var exited = process.WaitForExitAsync().WaitAsync(Timeout);
            while (!exited.IsCompleted)
            {
                peak = Math.Max(peak, ProcessMemory.PeakResidentBytes(process.Id) ?? 0);
                cpu = ProcessCpu.Of(process.Id) is { } used && used > cpu ? used : cpu;
                await Task.WhenAny(exited, Task.Delay(20));
            }
            await exited;
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"rclone exited with {process.ExitCode}: {await error}{await output}");
            }
            return (elapsed, peak, cpu);
        }
    }
}
