using System.Globalization;
using System.Text;

namespace Platform.Inference.Bench;

public static class Report
{
    public static string Table(IEnumerable<BenchResult> results)
    {
        var table = new StringBuilder()
            .AppendLine("| case | concurrency | served req/s | p50 | p99 | mean batch | server's mean run | in-process baseline | baseline rows/s | baseline p50 | server's `Run` in process, rows/s | ÷ baseline | req/s ÷ baseline | p50 − baseline | mean latency − baseline | server CPU per request | baseline CPU per row | machine CPU per request | failures |")
            .AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var result in results)
        {
            var (served, baseline) = (result.Served, result.Baseline);
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {result.Case.Name} | {result.Case.Concurrency} | {served.Rate:N0} | {Milliseconds(served.P50)} | {Milliseconds(served.P99)} | " +
                $"{(served.MeanBatch is { } batch ? batch.ToString("F1", CultureInfo.InvariantCulture) : "n/a")} | {Milliseconds(served.MeanRun)} | " +
                $"`Run`, batch {result.Case.BaselineBatch}, one after another | {baseline.Rate:N0} | {Milliseconds(baseline.P50)} | " +
                $"{result.ServerRun.Rate:N0} | {result.ServerRun.Rate / baseline.Rate:F2} | {result.ThroughputRatio:F2} | {Milliseconds(result.P50Overhead)} | {Milliseconds(result.MeanOverhead)} | " +
                $"{Microseconds(served.CpuPerRow)} | {Microseconds(baseline.CpuPerRow)} | {Microseconds(served.MachineCpuPerRow)} | {served.Failures:N0} |");
        }
        return table.ToString();
    }

    public static string Microseconds(TimeSpan? duration) =>
        duration is { } value ? string.Create(CultureInfo.InvariantCulture, $"{value.TotalMicroseconds:N0} µs") : "n/a";

    private static string Milliseconds(TimeSpan? duration) =>
        duration is { } value ? string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:F2} ms") : "n/a";
}
