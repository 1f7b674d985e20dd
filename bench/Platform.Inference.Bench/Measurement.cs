using Platform.Testing;

namespace Platform.Inference.Bench;

/// <summary>
/// What one run measured. <see cref="Rate"/> is rows per second (for the server, one row per request); latencies are per
/// request (server) or per <c>Run</c> call (ONNX Runtime in process), null when hey answered too few requests to print them.
/// <see cref="MeanBatch"/> is the server's mean dynamic batch, read from its metrics; null for in-process runs.
/// </summary>
public sealed record Measurement(
    double Rate,
    TimeSpan? P50,
    TimeSpan? P99,
    long Failures,
    IReadOnlyList<string> FailureKinds,
    double? MeanBatch = null)
{
    public static Measurement Served(HeyResult hey, double? meanBatch) =>
        new(hey.RequestsPerSecond, hey.P50, hey.P99, hey.Failures, hey.FailureKinds, meanBatch);
}
