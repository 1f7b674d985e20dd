using System.Diagnostics;
using Grpc.Core;
using Platform.Inference.Grpc.Protocol;
using Platform.Testing;

namespace Platform.Inference.Bench;

/// <summary>Closed-loop gRPC clients: each sends the request, waits for the answer, and sends again, until the time is up.</summary>
public static class GrpcClients
{
    public static async Task<LoadReport> RunAsync(GRPCInferenceService.GRPCInferenceServiceClient client, ModelInferRequest request, int concurrency, TimeSpan duration)
    {
        var stopwatch = Stopwatch.StartNew();
        var clients = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<TimeSpan>();
            var failures = new List<string>();
            while (stopwatch.Elapsed < duration)
            {
                var started = stopwatch.Elapsed;
                try
                {
                    await client.ModelInferAsync(request);
                    latencies.Add(stopwatch.Elapsed - started);
                }
                catch (RpcException exception)
                {
                    failures.Add(exception.StatusCode.ToString());
                }
            }
            return (Latencies: latencies, Failures: failures);
        })));
        var elapsed = stopwatch.Elapsed;
        var latencies = clients.SelectMany(result => result.Latencies).Order().ToList();
        var failures = clients.SelectMany(result => result.Failures).ToList();
        return new LoadReport(latencies.Count + failures.Count, latencies.Count / elapsed.TotalSeconds,
            Measurement.Percentile(latencies, 0.50), Measurement.Percentile(latencies, 0.99), failures.Count,
            failures.GroupBy(status => status).Select(group => $"{group.Count()} × {group.Key}").ToList());
    }
}
