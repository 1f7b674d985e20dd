namespace Platform.Testing;

/// <summary>
/// What one run of a load generator (<see cref="Hey"/>, <see cref="Wrk"/>) measured. Failures are every answer that was
/// not 2xx plus every request that got no answer. A percentile is null when the tool answered too few requests to print it.
/// </summary>
public sealed record LoadReport(
    long Requests,
    double RequestsPerSecond,
    TimeSpan? P50,
    TimeSpan? P99,
    long Failures,
    IReadOnlyList<string> FailureKinds);
