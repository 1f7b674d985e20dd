using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Platform.Testing;

/// <summary>One request, sent over and over by <see cref="Wrk"/>: its method, the file holding its body, and its headers.</summary>
public sealed record WrkRequest(Uri Url, string Method = "GET", string? BodyPath = null, IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>
/// Runs the <c>wrk</c> load generator (Debian's package) and reads its summary, for the benchmarks in bench/. wrk is C on an
/// event loop: on loopback it spends a fraction of the CPU per request that <see cref="Hey"/> does (which matters on two
/// shared cores, where the load generator takes part of the CPU it measures), and prints percentiles to the microsecond.
/// One wrk thread drives every connection.
/// </summary>
public static partial class Wrk
{
    /// <param name="connections">Clients, each waiting for its answer before it sends again.</param>
    /// <param name="timeout">The longest one request may take before wrk counts it as failed; wrk itself gets the duration plus this to finish.</param>
    public static async Task<LoadReport> RunAsync(WrkRequest request, int connections, TimeSpan duration, TimeSpan timeout)
    {
        var script = Path.Combine(Path.GetTempPath(), $"platform-wrk-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(script, Script(request));
        try
        {
            return Parse(await ToolProcess.RunAsync("wrk",
                [
                    "-t1", $"-c{connections}", $"-d{(int)Math.Ceiling(duration.TotalSeconds)}s",
                    // wrk's own default (2 s) would count a slow answer as a failure rather than as a long latency.
                    $"--timeout={(int)Math.Ceiling(timeout.TotalSeconds)}s", "--latency", "-s", script, request.Url.ToString(),
                ],
                duration + timeout));
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <summary>Reads wrk's summary as printed with <c>--latency</c>.</summary>
    public static LoadReport Parse(string output)
    {
        var requests = long.Parse(RequestsLine().Match(output) is { Success: true } total
            ? total.Groups[1].Value
            : throw new FormatException($"wrk's summary has no 'N requests in' line:\n{output}"), CultureInfo.InvariantCulture);
        var rejected = Count(NonSuccessLine().Match(output));
        var socketErrors = SocketErrorsLine().Match(output) is { Success: true } errors
            ? new[] { "connect", "read", "write", "timeout" }.Select((kind, i) => (Kind: kind, Count: long.Parse(errors.Groups[i + 1].Value, CultureInfo.InvariantCulture)))
                .Where(error => error.Count > 0).ToList()
            : [];
        return new LoadReport(
            requests,
            double.Parse(RequestsPerSecondLine().Match(output) is { Success: true } rate
                ? rate.Groups[1].Value
                : throw new FormatException($"wrk's summary has no Requests/sec line:\n{output}"), CultureInfo.InvariantCulture),
            Percentile(output, 50),
            Percentile(output, 99),
            rejected + socketErrors.Sum(error => error.Count),
            [.. rejected > 0 ? [$"{rejected} × HTTP 4xx/5xx"] : Array.Empty<string>(), .. socketErrors.Select(error => $"{error.Count} × socket {error.Kind} error")]);
    }

    /// <summary>The Lua script that makes wrk send <paramref name="request"/>: the body read once from its file, the headers as given.</summary>
    private static string Script(WrkRequest request)
    {
        var script = new StringBuilder();
        script.AppendLine($"wrk.method = {Lua(request.Method)}");
        if (request.BodyPath is not null)
        {
            script.AppendLine($"local file = assert(io.open({Lua(request.BodyPath)}, \"rb\"))");
            script.AppendLine("wrk.body = file:read(\"*a\")");
            script.AppendLine("file:close()");
        }
        foreach (var (name, value) in request.Headers ?? new Dictionary<string, string>())
        {
            script.AppendLine($"wrk.headers[{Lua(name)}] = {Lua(value)}");
        }
        return script.ToString();
    }

    private static string Lua(string value) =>
        value.Any(char.IsControl)
            ? throw new ArgumentException($"A control character cannot go into wrk's script: {value}")
            : $"\"{value.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"";

    private static TimeSpan? Percentile(string output, int percent) =>
        Regex.Match(output, $@"^\s+{percent}%\s+([0-9.]+)(us|ms|s|m|h)\s*$", RegexOptions.Multiline) is { Success: true } match
            ? TimeSpan.FromMicroseconds(double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * match.Groups[2].Value switch
            {
                "us" => 1,
                "ms" => 1e3,
                "s" => 1e6,
                "m" => 60e6,
                _ => 3600e6,
            })
            : null;

    private static long Count(Match match) => match.Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;

    [GeneratedRegex(@"^\s*(\d+) requests in ", RegexOptions.Multiline)]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"^Requests/sec:\s+([0-9.]+)", RegexOptions.Multiline)]
    private static partial Regex RequestsPerSecondLine();

    // wrk counts every status above 399 here, despite its wording.
    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccessLine();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrorsLine();
}
