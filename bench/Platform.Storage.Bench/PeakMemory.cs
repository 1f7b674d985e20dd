using Platform.Testing;
using System.Diagnostics;

namespace Platform.Storage.Bench;

/// <summary>
/// Peak resident memory of one put and one verified read of an N MiB object, each case in a fresh process (peak RSS never goes
/// down, so cases cannot share one). Run for two sizes: a streaming implementation peaks at the same level for both.
/// </summary>
public static class PeakMemory
{
    private static readonly int[] SizesMiB = [16, 256];

    public static async Task<int> RunAllAsync(IEnumerable<string> providers)
    {
        Console.WriteLine("| provider | client | peak RSS, 16 MiB object | peak RSS, 256 MiB object |");
        Console.WriteLine("| --- | --- | --- | --- |");
        foreach (var provider in providers)
        {
            foreach (var client in new[] { "raw", "platform" })
            {
                var peaks = new List<string>();
                foreach (var size in SizesMiB)
                {
                    peaks.Add(await RunChildAsync(provider, client, size));
                }
                Console.WriteLine($"| {provider} | {client} | {string.Join(" | ", peaks)} |");
            }
        }
        return 0;
    }

    private static async Task<string> RunChildAsync(string provider, string client, int sizeMiB)
    {
        var startInfo = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { typeof(PeakMemory).Assembly.Location, "peak-memory-case", provider, client, sizeMiB.ToString() })
        {
            startInfo.ArgumentList.Add(argument);
        }
        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
        return process.ExitCode == 0 ? (await output).Trim() : $"failed: {(await error).Trim()}";
    }

    /// <summary>One case, in this process: prints the peak RSS in MiB.</summary>
    public static async Task<int> RunCaseAsync(string provider, string client, int sizeMiB)
    {
        await using var target = await BenchTarget.StartAsync(provider);
        var size = sizeMiB * 1024L * 1024;
        if (client == "raw")
        {
            await target.Raw.PutAsync("peak.bin", new GeneratedStream(size));
            await target.Raw.GetAsync("peak.bin", Stream.Null);
        }
        else
        {
            await target.Store.PutAsync("peak.bin", new GeneratedStream(size));
            await using var read = await target.Store.OpenReadAsync("peak.bin", new ReadOptions { VerifySha256 = true });
            await read.CopyToAsync(Stream.Null);
        }
        using var self = Process.GetCurrentProcess();
        Console.WriteLine($"{self.PeakWorkingSet64 / (1024 * 1024)} MiB");
        return 0;
    }
}
