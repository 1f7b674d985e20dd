using System.Globalization;
using System.Text.RegularExpressions;

namespace Platform.Testing;

/// <summary>Runs the <c>hey</c> load generator (Debian's package) and reads its summary, for the benchmarks in bench/.</summary>
public static partial class Hey
{
    /// <param name="arguments">hey's own arguments, ending with the URL.</param>
    /// <param name="timeout">How long hey may run before this gives up on it.</param>
    public static async Task<LoadReport> RunAsync(IReadOnlyList<string> arguments, TimeSpan timeout) =>
        Parse(await ToolProcess.RunAsync("hey", arguments, timeout));

    /// <remarks>hey prints latencies in seconds with four decimals: percentiles are good to 0.1 ms.</remarks>
    public static LoadReport Parse(string output)
    {
        var errorSection = output.IndexOf("Error distribution:", StringComparison.Ordinal);
        var statusSection = errorSection < 0 ? output : output[..errorSection];
        var statuses = StatusLine().Matches(statusSection).Select(match => (Code: int.Parse(match.Groups[1].Value), Count: long.Parse(match.Groups[2].Value))).ToList();
        var errors = errorSection < 0
            ? []
            : ErrorLine().Matches(output[errorSection..]).Select(match => (Count: long.Parse(match.Groups[1].Value), Message: match.Groups[2].Value.Trim())).ToList();
        var failed = statuses.Where(status => status.Code is < 200 or > 299).ToList();
        return new LoadReport(
            statuses.Sum(status => status.Count) + errors.Sum(error => error.Count),
            Number(RequestsPerSecondLine().Match(output)) ?? throw new FormatException($"hey's summary has no Requests/sec line:\n{output}"),
            Percentile(output, 50),
            Percentile(output, 99),
            failed.Sum(status => status.Count) + errors.Sum(error => error.Count),
            [.. failed.Select(status => $"{status.Count} × HTTP {status.Code}"), .. errors.Select(error => $"{error.Count} × {error.Message}")]);
    }

    private static TimeSpan? Percentile(string output, int percent) =>
        Number(Regex.Match(output, $@"\b{percent}%\s+in\s+([0-9.]+)\s+secs")) is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

    private static double? Number(Match match) =>
        match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RequestsPerSecondLine();

    [GeneratedRegex(@"^\s*\[(\d{3})\]\s+(\d+)\s+responses", RegexOptions.Multiline)]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"^\s*\[(\d+)\]\s+(.+)$", RegexOptions.Multiline)]
    private static partial Regex ErrorLine();
}
