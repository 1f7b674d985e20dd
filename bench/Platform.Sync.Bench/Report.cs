using System.Globalization;
using System.Text;

namespace Platform.Sync.Bench;

/// <summary>One round of one case: both contenders, one after the other, on the same emulators.</summary>
public sealed record ThroughputRow(CopyCase Case, int Round, bool WorkerFirst, Measurement Worker, Measurement Rclone)
{
    public double Ratio => Worker.MiBPerSecond(Case.Bytes) / Rclone.MiBPerSecond(Case.Bytes);
}

public static class Report
{
    public static string Throughput(IReadOnlyList<ThroughputRow> rows, int transfers)
    {
        var table = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"| case | round (ran first) | worker: time, MiB/s | rclone --transfers {transfers}: time, MiB/s | worker / rclone | worker RSS: idle → peak | rclone peak RSS |")
            .AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var row in rows)
        {
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Case.Name} | {row.Round} ({(row.WorkerFirst ? "worker" : "rclone")}) | {Speed(row.Worker, row.Case.Bytes)} | {Speed(row.Rclone, row.Case.Bytes)} | " +
                $"{row.Ratio:F2} | {MiB(row.Worker.RestingResidentBytes)} → {MiB(row.Worker.PeakResidentBytes)} | {MiB(row.Rclone.PeakResidentBytes)} |");
        }
        foreach (var group in rows.GroupBy(row => row.Case.Name).Where(group => group.Count() > 1))
        {
            // Over all rounds: total bytes over total time, and the worst peak.
            var bytes = group.Sum(row => row.Case.Bytes);
            var worker = Total(group.Select(row => row.Worker));
            var rclone = Total(group.Select(row => row.Rclone));
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| **{group.Key}** | all {group.Count()} | {Speed(worker, bytes)} | {Speed(rclone, bytes)} | **{worker.MiBPerSecond(bytes) / rclone.MiBPerSecond(bytes):F2}** | " +
                $"max {MiB(worker.PeakResidentBytes)} | max {MiB(rclone.PeakResidentBytes)} |");
        }
        return table.ToString();
    }

    /// <summary>CPU seconds per GiB copied, of the contender and of each server, while the contender copied.</summary>
    public static string Cpu(IReadOnlyList<ThroughputRow> rows)
    {
        string[] servers = ["moto", "Azurite", "RabbitMQ"];
        var table = new StringBuilder()
            .AppendLine("| case | contender | its own | moto | Azurite | RabbitMQ | all of them |")
            .AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var group in rows.GroupBy(row => row.Case.Name))
        {
            var gib = group.Sum(row => row.Case.Bytes) / (double)(1024 * SourceObject.MiB);
            foreach (var (contender, measurement) in new[] { ("worker", Total(group.Select(row => row.Worker))), ("rclone", Total(group.Select(row => row.Rclone))) })
            {
                var perGiB = new[] { Measurement.Contender }.Concat(servers)
                    .Select(role => measurement.Cpu.GetValueOrDefault(role).TotalSeconds / gib).ToList();
                table.AppendLine(CultureInfo.InvariantCulture,
                    $"| {group.Key} | {contender} | {string.Join(" | ", perGiB.Select(seconds => seconds.ToString("F1", CultureInfo.InvariantCulture)))} | {perGiB.Sum():F1} |");
            }
        }
        return table.ToString();
    }

    private static Measurement Total(IEnumerable<Measurement> measurements)
    {
        var all = measurements.ToList();
        return new Measurement(
            TimeSpan.FromTicks(all.Sum(measurement => measurement.Elapsed.Ticks)),
            all.Max(measurement => measurement.PeakResidentBytes),
            all.SelectMany(measurement => measurement.Cpu).GroupBy(cpu => cpu.Key)
                .ToDictionary(role => role.Key, role => TimeSpan.FromTicks(role.Sum(cpu => cpu.Value.Ticks))));
    }

    public static string Lag(LagRun.Result result) =>
        new StringBuilder()
            .AppendLine("| events (1 MiB each) | target rate | published rate | lag p50 | lag p99 | lag max | worker RSS: idle → peak |")
            .AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
            .AppendLine(CultureInfo.InvariantCulture,
                $"| {result.Events} | {result.TargetRate:F0}/s | {result.PublishedRate:F1}/s | {Ms(result.P50)} | {Ms(result.P99)} | {Ms(result.Max)} | {MiB(result.WorkerRestingResidentBytes)} → {MiB(result.WorkerPeakResidentBytes)} |")
            .ToString();

    private static string Speed(Measurement measurement, long bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"{measurement.Elapsed.TotalSeconds:F2} s, {measurement.MiBPerSecond(bytes):F1}");

    private static string MiB(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)SourceObject.MiB:F0} MiB");

    private static string Ms(TimeSpan value) => string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:F0} ms");
}
