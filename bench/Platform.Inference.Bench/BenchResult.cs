namespace Platform.Inference.Bench;

/// <summary>
/// A case and what it measured: the server under wrk, the in-process baseline, the server's own run path in process
/// (<see cref="ServerRun"/>: <c>OnnxModel.Run</c> at the baseline's batch, no HTTP), and for a model the server runs as several
/// instances, ONNX Runtime in process arranged the same way (<see cref="Arranged"/>). <see cref="Rounds"/> are the slices
/// behind <see cref="Served"/> and <see cref="Baseline"/>, a baseline slice and then a served slice in each round, so that
/// their spread shows how much the machine drifted.
/// </summary>
public sealed record BenchResult(BenchCase Case, Measurement Served, Measurement Baseline, Measurement ServerRun, IReadOnlyList<(Measurement Served, Measurement Baseline)> Rounds, Measurement? Arranged = null)
{
    /// <summary>Served requests (one row each) per second over the baseline's rows per second.</summary>
    public double ThroughputRatio => Served.Rate / Baseline.Rate;

    public TimeSpan? P50Overhead => Served.P50 - Baseline.P50;

    /// <summary>
    /// Mean latency over the baseline's mean <c>Run</c> time, both from throughput (wrk's clients wait for each answer, so a
    /// request's mean latency is concurrency ÷ req/s).
    /// </summary>
    public TimeSpan MeanOverhead =>
        TimeSpan.FromSeconds(Case.Concurrency / Served.Rate - Case.BaselineBatch / Baseline.Rate);
}
