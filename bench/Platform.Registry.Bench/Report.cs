using System.Globalization;
using System.Text;

namespace Platform.Registry.Bench;

public static class Report
{
    public static string Table(IEnumerable<LoadResult> results)
    {
        var table = new StringBuilder()
            .AppendLine("| case | measured with | requests | req/s | p99 | failures |")
            .AppendLine("| --- | --- | ---: | ---: | ---: | ---: |");
        foreach (var result in results)
        {
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {result.Case} | {result.Tool} | {result.Measured.Requests:N0} | {result.Measured.RequestsPerSecond:N0} | {(result.Measured.P99 is { } p99 ? $"{p99.TotalMilliseconds:F1} ms" : "n/a")} | {result.Measured.Failures:N0} |");
        }
        return table.ToString();
    }
}
