namespace Platform.AppHost.Bench;

/// <summary>What one start of the AppHost took, in seconds from creating its builder (JSON between a start's process and the bench).</summary>
/// <param name="Healthy">When each resource became healthy (a one-shot resource: finished with exit code 0).</param>
/// <param name="AllHealthy">When every resource was.</param>
/// <param name="FirstInference">When the gateway first answered an inference request with 200.</param>
/// <param name="EveryModelEverywhere">When every cloud's inference service first answered ready for every sample model.</param>
/// <param name="BusyCpuSeconds">
/// CPU time the whole machine spent (all cores, every process, from /proc/stat) between the start and every resource
/// healthy: next to <paramref name="AllHealthy"/> times the core count, it says whether the start was bound by the CPU.
/// </param>
/// <param name="BusyCoresAtRest">Cores the whole machine kept busy, on average, over 15 s with nobody calling the platform, 5 s after every model was ready everywhere.</param>
public sealed record StartTimes(IReadOnlyDictionary<string, double> Healthy, double AllHealthy, double FirstInference, double EveryModelEverywhere,
    double BusyCpuSeconds, double BusyCoresAtRest);
