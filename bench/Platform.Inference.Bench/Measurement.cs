using System.Diagnostics;
using Platform.Testing;

namespace Platform.Inference.Bench;

/// <summary>
/// What one run measured. <see cref="Rate"/> is rows per second (for the server, one row per request); latencies are per
/// request (server) or per <c>Run</c> call (ONNX Runtime in process), null when wrk answered too few requests to print them.
/// <see cref="MeanBatch"/> is the server's mean dynamic batch, read from its metrics; null for in-process runs.
/// <see cref="CpuPerRow"/> is the CPU time the measured process (the server, or the benchmark running ONNX Runtime in process)
/// used per row; <see cref="MachineCpuPerRow"/> is every core's busy time per row, the load generator included.
/// <see cref="MeanRun"/> is the server's mean ONNX Runtime run (one batch), from its metrics; null for in-process runs,
/// whose <see cref="P50"/> is already one run.
/// </summary>
public sealed record Measurement(
    double Rate,
    TimeSpan? P50,
    TimeSpan? P99,
    long Failures,
    IReadOnlyList<string> FailureKinds,
    double? MeanBatch = null,
    TimeSpan? CpuPerRow = null,
    TimeSpan? MachineCpuPerRow = null,
    TimeSpan? MeanRun = null)
{
    /// <summary>The latency below which <paramref name="fraction"/> of the sorted <paramref name="latencies"/> fall; null when there are none.</summary>
    public static TimeSpan? Percentile(IReadOnlyList<TimeSpan> latencies, double fraction) =>
        latencies.Count == 0 ? null : latencies[(int)Math.Ceiling(latencies.Count * fraction) - 1];

    /// <summary>
    /// Slices of one measurement taken at different times, each as long as the others, as one: the mean rate, CPU, batch and
    /// run weighted by each slice's rows, failures added up, and the median of the slices' latency percentiles (wrk prints
    /// percentiles, not the latencies behind them).
    /// </summary>
    public static Measurement Combine(IReadOnlyList<Measurement> slices)
    {
        var rates = slices.Sum(slice => slice.Rate);
        return new Measurement(
            rates / slices.Count,
            Median(slices.Select(slice => slice.P50)),
            Median(slices.Select(slice => slice.P99)),
            slices.Sum(slice => slice.Failures),
            [.. slices.SelectMany(slice => slice.FailureKinds).Distinct()],
            Weighted(slice => slice.MeanBatch),
            WeightedTime(slice => slice.CpuPerRow),
            WeightedTime(slice => slice.MachineCpuPerRow),
            WeightedTime(slice => slice.MeanRun));

        double? Weighted(Func<Measurement, double?> value) =>
            slices.All(slice => value(slice) is not null) && rates > 0 ? slices.Sum(slice => value(slice)!.Value * slice.Rate) / rates : null;

        TimeSpan? WeightedTime(Func<Measurement, TimeSpan?> value) =>
            Weighted(slice => value(slice)?.TotalMicroseconds) is { } microseconds ? TimeSpan.FromMicroseconds(microseconds) : null;
    }

    private static TimeSpan? Median(IEnumerable<TimeSpan?> values) =>
        values.OfType<TimeSpan>().Order().ToList() is { Count: > 0 } sorted ? sorted[sorted.Count / 2] : null;

    /// <summary>
    /// Calls <paramref name="run"/> (one batch of <paramref name="batch"/> rows) one call after another for <paramref name="duration"/>,
    /// after 20 calls of warm-up, from <paramref name="runsAtOnce"/> threads at once; latencies are per call, CPU is this process's.
    /// </summary>
    public static Measurement OfRuns(Action run, int batch, TimeSpan duration, int runsAtOnce = 1)
    {
        for (var i = 0; i < 20; i++)
        {
            run();
        }
        var cpu = CpuUse.Start(Environment.ProcessId);
        var stopwatch = Stopwatch.StartNew();
        var threads = Enumerable.Range(0, runsAtOnce).Select(_ => new List<TimeSpan>()).ToList();
        Parallel.ForEach(threads, new ParallelOptions { MaxDegreeOfParallelism = runsAtOnce }, latencies =>
        {
            while (stopwatch.Elapsed < duration)
            {
                var started = stopwatch.Elapsed;
                run();
                latencies.Add(stopwatch.Elapsed - started);
            }
        });
        var elapsed = stopwatch.Elapsed;
        var used = cpu.Stop();
        var all = threads.SelectMany(latencies => latencies).Order().ToList();
        var rows = all.Count * batch;
        return new Measurement(rows / elapsed.TotalSeconds, Percentile(all, 0.50), Percentile(all, 0.99), 0, [],
            CpuPerRow: used.Process / rows, MachineCpuPerRow: used.Machine / rows);
    }

    public static Measurement Served(LoadReport load, double? meanBatch, CpuUse cpu, TimeSpan? meanRun) =>
        new(load.RequestsPerSecond, load.P50, load.P99, load.Failures, load.FailureKinds, meanBatch,
            cpu.Process / Math.Max(1, load.Requests), cpu.Machine / Math.Max(1, load.Requests), meanRun);
}

/// <summary>CPU time used over a span: by one process (null when it is gone), and by the whole machine.</summary>
public readonly record struct CpuUse(TimeSpan? Process, TimeSpan Machine)
{
    /// <summary>Starts counting the CPU of <paramref name="processId"/> and of the machine; <see cref="Meter.Stop"/> says how much was used.</summary>
    public static Meter Start(int processId) => new(processId, ProcessCpu.Of(processId), ProcessCpu.MachineBusy());

    public readonly record struct Meter(int ProcessId, TimeSpan? ProcessAtStart, TimeSpan MachineAtStart)
    {
        public CpuUse Stop() => new(ProcessCpu.Of(ProcessId) - ProcessAtStart, ProcessCpu.MachineBusy() - MachineAtStart);
    }
}
