namespace Platform.Registry.Bench;

/// <summary>
/// What one load run measured. Failures are every answer that was not 2xx plus every request that got no answer;
/// <see cref="P99"/> is null when too few requests were answered to tell.
/// </summary>
public sealed record LoadResult(
    string Case,
    string Tool,
    long Requests,
    double RequestsPerSecond,
    TimeSpan? P99,
    long Failures,
    IReadOnlyList<string> FailureKinds);
