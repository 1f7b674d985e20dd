using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Platform.Testing;

namespace Platform.AppHost.Bench;

/// <summary>One wrk run of one model against one path to it: through the gateway, or straight to one cloud's inference service.</summary>
public sealed record OverheadRun(BenchModel Model, string Path, int Round, LoadReport Measured);

/// <summary>
/// The same inference request with wrk, through the gateway and straight to the preferred cloud's inference service (the
/// one the gateway forwards to), alternating which goes first each round so that drift in the machine's load falls on both.
/// </summary>
public static class GatewayOverhead
{
    public const string ThroughGateway = "through the gateway";
    public const string Direct = "inference-aws directly";

    public static async Task<IReadOnlyList<OverheadRun>> RunAsync(DistributedApplication app, IEnumerable<BenchModel> models, int rounds, int concurrency, TimeSpan duration)
    {
        var gateway = app.GetEndpoint("gateway", "http");
        var direct = app.GetEndpoint("inference-aws", "http");
        // The longest one request may take before wrk counts it as failed.
        var timeout = TimeSpan.FromSeconds(30);
        var runs = new List<OverheadRun>();
        foreach (var model in models)
        {
            var body = Path.GetTempFileName();
            await File.WriteAllTextAsync(body, model.Body);
            try
            {
                WrkRequest Request(Uri server) =>
                    new(new Uri(server, model.Path), "POST", body, new Dictionary<string, string> { ["Content-Type"] = "application/json" });

                foreach (var server in new[] { gateway, direct })
                {
                    await Wrk.RunAsync(Request(server), concurrency, TimeSpan.FromSeconds(3), timeout);
                }
                for (var round = 1; round <= rounds; round++)
                {
                    var order = round % 2 == 1 ? new[] { (ThroughGateway, gateway), (Direct, direct) } : [(Direct, direct), (ThroughGateway, gateway)];
                    foreach (var (path, server) in order)
                    {
                        Console.Error.WriteLine($"{model.Name}, round {round}: {path}, {duration.TotalSeconds:0} s at concurrency {concurrency}.");
                        runs.Add(new OverheadRun(model, path, round, await Wrk.RunAsync(Request(server), concurrency, duration, timeout)));
                    }
                }
            }
            finally
            {
                File.Delete(body);
            }
        }
        return runs;
    }
}
