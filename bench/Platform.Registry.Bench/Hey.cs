using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Platform.Registry.Bench;

/// <summary>Runs the <c>hey</c> load generator and reads its summary.</summary>
public static partial class Hey
{
    public static async Task<LoadResult> RunAsync(string name, IReadOnlyList<string> arguments, TimeSpan duration)
    {
        var start = new ProcessStartInfo("hey") { RedirectStandardOutput = true, RedirectStandardError = true };
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
            throw new InvalidOperationException("hey is not installed: apt-get install -y hey", exception);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(duration + TimeSpan.FromMinutes(2));
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"hey exited with {process.ExitCode}: {await error}");
            }
            return Parse(name, await output);
        }
    }

    public static LoadResult Parse(string name, string output)
    {
        var errorSection = output.IndexOf("Error distribution:", StringComparison.Ordinal);
        var statusSection = errorSection < 0 ? output : output[..errorSection];
        var errorLines = errorSection < 0 ? "" : output[errorSection..];
        var statuses = StatusLine().Matches(statusSection).Select(match => (Code: int.Parse(match.Groups[1].Value), Count: long.Parse(match.Groups[2].Value))).ToList();
        var errors = ErrorLine().Matches(errorLines).Select(match => (Count: long.Parse(match.Groups[1].Value), Message: match.Groups[2].Value.Trim())).ToList();
        var answered = statuses.Sum(status => status.Count);
        var failedStatuses = statuses.Where(status => status.Code is < 200 or > 299).ToList();
        return new LoadResult(
            name,
            "hey",
            answered + errors.Sum(error => error.Count),
            Number(RequestsPerSecondLine(), output),
            // hey prints no 99th percentile for fewer than 100 answers.
            P99Line().IsMatch(output) ? TimeSpan.FromSeconds(Number(P99Line(), output)) : null,
            failedStatuses.Sum(status => status.Count) + errors.Sum(error => error.Count),
            [.. failedStatuses.Select(status => $"{status.Count} × HTTP {status.Code}"), .. errors.Select(error => $"{error.Count} × {error.Message}")]);
    }

    private static double Number(Regex pattern, string output) =>
        double.Parse(pattern.Match(output) is { Success: true } match
            ? match.Groups[1].Value
            : throw new FormatException($"hey's summary has no line matching {pattern}:\n{output}"), CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RequestsPerSecondLine();

    [GeneratedRegex(@"99%\s+in\s+([0-9.]+)\s+secs")]
    private static partial Regex P99Line();

    [GeneratedRegex(@"^\s*\[(\d{3})\]\s+(\d+)\s+responses", RegexOptions.Multiline)]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"^\s*\[(\d+)\]\s+(.+)$", RegexOptions.Multiline)]
    private static partial Regex ErrorLine();
}
