using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Platform.Testing;

namespace Platform.AppHost.Bench;

/// <summary>
/// One wrk run of one model against one path to it: through the gateway, through nginx, or straight to one cloud's inference
/// service; with the CPU the whole machine spent per answered request meanwhile (every process: wrk, the proxy, the service,
/// and whatever else ran).
/// </summary>
public sealed record OverheadRun(BenchModel Model, string Path, int Round, LoadReport Measured, TimeSpan MachineCpuPerRequest);

/// <summary>
/// The same inference request with wrk, through the gateway and straight to the preferred cloud's inference service (the
/// one the gateway forwards to), and, as baselines in front of that same service, through YARP's forwarder alone and, where
/// nginx is installed, through nginx: what a bare HTTP hop costs on this machine in .NET and in C. The order turns each
/// round, so drift in the machine's load falls on all.
/// </summary>
public static class GatewayOverhead
{
    public const string ThroughGateway = "through the gateway, HTTP/2 to the service";
    public const string ThroughBareYarp = "through YARP's bare forwarder, HTTP/1.1 to the service";
    public const string ThroughBareYarpHttp2 = "through YARP's bare forwarder, HTTP/2 to the service";
    public const string ThroughNginx = "through nginx (a bare proxy)";
    public const string Direct = "inference-aws directly";

    public static async Task<IReadOnlyList<OverheadRun>> RunAsync(DistributedApplication app, IEnumerable<BenchModel> models, int rounds, int concurrency, TimeSpan duration)
    {
        var gateway = app.GetEndpoint("gateway", "http");
        var direct = app.GetEndpoint("inference-aws", "http");
        // The longest one request may take before wrk counts it as failed.
        var timeout = TimeSpan.FromSeconds(30);
        await using var nginx = await NginxProxy.StartAsync(direct);
        await using var bareYarp = await BareYarp.StartAsync(direct, http2: false);
        await using var bareYarpHttp2 = await BareYarp.StartAsync(app.GetEndpoint("inference-aws", "grpc"), http2: true);
        var paths = new List<(string Name, Uri Server)> { (ThroughGateway, gateway), (ThroughBareYarp, bareYarp.Url), (ThroughBareYarpHttp2, bareYarpHttp2.Url) };
        if (nginx is not null)
        {
            paths.Add((ThroughNginx, nginx.Url));
        }
        paths.Add((Direct, direct));
        var runs = new List<OverheadRun>();
        foreach (var model in models)
        {
            var body = Path.GetTempFileName();
            await File.WriteAllTextAsync(body, model.Body);
            try
            {
                WrkRequest Request(Uri server) =>
                    new(new Uri(server, model.Path), "POST", body, new Dictionary<string, string> { ["Content-Type"] = "application/json" });

                foreach (var (_, server) in paths)
                {
                    await Wrk.RunAsync(Request(server), concurrency, TimeSpan.FromSeconds(5), timeout);
                }
                for (var round = 1; round <= rounds; round++)
                {
                    var order = round % 2 == 1 ? paths : Enumerable.Reverse(paths);
                    foreach (var (path, server) in order)
                    {
                        Console.Error.WriteLine($"{model.Name}, round {round}: {path}, {duration.TotalSeconds:0} s at concurrency {concurrency}.");
                        var busy = ProcessCpu.MachineBusy();
                        var measured = await Wrk.RunAsync(Request(server), concurrency, duration, timeout);
                        var perRequest = (ProcessCpu.MachineBusy() - busy) / Math.Max(1, measured.Requests);
                        runs.Add(new OverheadRun(model, path, round, measured, perRequest));
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
