using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Platform.AppHost.Bench;
using Platform.Testing;

// The whole platform on this machine: how long the AppHost (built already) takes from start until every resource is
// healthy, what the gateway costs next to calling one cloud's inference service directly, and how fast traffic leaves the
// preferred cloud when it goes down, and comes back (with the gateway rounds; Failover.cs).
// Options: --starts N (2: the first on an empty data folder, the next ones on the data it left, as a developer's second
// `dotnet run`), --rounds N (2; 0: no gateway rounds, no failover), --concurrency N (16), --duration SECONDS (15),
// --telemetry off (no dashboard, no service exports telemetry; on by default, as `dotnet run` runs the AppHost).
var starts = Option("--starts", 2);
var rounds = Option("--rounds", 2);
var concurrency = Option("--concurrency", 16);
var duration = TimeSpan.FromSeconds(Option("--duration", 15));
var telemetry = Array.IndexOf(args, "--telemetry") is var at && !(at >= 0 && at + 1 < args.Length && args[at + 1] == "off");

// A start that is not kept up for the gateway runs in a process of its own, as each `dotnet run` does: in this one, a
// second start would find the AppHost's own code compiled already, some 10 CPU-seconds that a real start pays each time.
if (Array.IndexOf(args, "--one-start") is var one and >= 0)
{
    await using var single = await ColdStart.RunAsync(args[one + 1], telemetry, CancellationToken.None);
    Console.WriteLine(JsonSerializer.Serialize(single.Times));
    return 0;
}

var dataPath = Directory.CreateTempSubdirectory("platform-apphost-bench-").FullName;
var coldStarts = new List<StartTimes>();
IReadOnlyList<OverheadRun> overhead = [];
IReadOnlyList<FailoverRun> failovers = [];
try
{
    for (var start = 1; start <= starts; start++)
    {
        Console.Error.WriteLine($"Start {start} of the AppHost ({(start == 1 ? "empty data folder" : "the data folder of the start before")}).");
        if (start < starts || rounds == 0)
        {
            coldStarts.Add(await StartInOwnProcessAsync(dataPath));
        }
        else
        {
            await using var run = await ColdStart.RunAsync(dataPath, telemetry, CancellationToken.None);
            coldStarts.Add(run.Times);
            Console.Error.WriteLine("Registering all-MiniLM-L6-v2 and loading it in inference-aws.");
            await Inference.RegisterMiniLmAsync(run.App, CancellationToken.None);
            overhead = await GatewayOverhead.RunAsync(run.App, [Inference.Mlp, Inference.MiniLm()], rounds, concurrency, duration);
            failovers = await Failover.RunAsync(run.App);
        }
        Console.Error.WriteLine($"  every resource healthy after {coldStarts[^1].AllHealthy:F1} s, first inference after {coldStarts[^1].FirstInference:F1} s");
    }
}
finally
{
    Directory.Delete(dataPath, recursive: true);
}

Console.WriteLine($"{Environment.ProcessorCount} cores, {DateTimeOffset.UtcNow:yyyy-MM-dd}, AppHost built {RepositoryPaths.Configuration}, " +
    (telemetry ? "with the dashboard, every service exporting telemetry to it." : "no dashboard, no service exporting telemetry."));
Console.WriteLine();
Console.WriteLine("Cold start, seconds from creating the AppHost's builder:");
Console.WriteLine();
Console.WriteLine("| start | every resource healthy | first inference through the gateway | every sample model ready in every cloud | CPU busy until healthy (all cores) | cores busy at rest | slowest resources |");
Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
foreach (var (run, index) in coldStarts.Select((run, index) => (run, index)))
{
    var slowest = string.Join(", ", run.Healthy.OrderByDescending(entry => entry.Value).Take(3).Select(entry => $"{entry.Key} {entry.Value:F1}"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {(index == 0 ? "first (empty data folder)" : "again (data kept)")} | {run.AllHealthy:F1} | {run.FirstInference:F1} | {run.EveryModelEverywhere:F1} | {run.BusyCpuSeconds:F0} of {run.AllHealthy * Environment.ProcessorCount:F0} s | {run.BusyCoresAtRest:F2} | {slowest} |"));
}
Console.WriteLine();
Console.WriteLine("Each resource healthy (a one-shot: finished), seconds from the start:");
Console.WriteLine();
Console.WriteLine($"| resource | {string.Join(" | ", coldStarts.Select((_, index) => index == 0 ? "first start" : $"start {index + 1}"))} |");
Console.WriteLine($"| --- |{string.Concat(coldStarts.Select(_ => " ---: |"))}");
foreach (var name in coldStarts[0].Healthy.OrderBy(entry => entry.Value).Select(entry => entry.Key))
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {string.Join(" | ", coldStarts.Select(run => run.Healthy[name].ToString("F1", CultureInfo.InvariantCulture)))} |"));
}
Console.WriteLine();
if (overhead.Count > 0)
{
    Console.WriteLine($"Gateway overhead: wrk, POST /v2/models/{{model}}/infer, concurrency {concurrency}, {duration.TotalSeconds:0} s per run:");
    Console.WriteLine();
    Console.WriteLine("| model | round | path | requests | req/s | p50 | p99 | failures | machine CPU per request | req/s against direct |");
    Console.WriteLine("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    foreach (var round in overhead.GroupBy(run => (run.Model.Name, run.Round)))
    {
        var direct = round.Single(run => run.Path == GatewayOverhead.Direct).Measured.RequestsPerSecond;
        foreach (var run in round.OrderBy(run => run.Path == GatewayOverhead.Direct))
        {
            var measured = run.Measured;
            var ratio = run.Path == GatewayOverhead.Direct ? "" : $"**{measured.RequestsPerSecond / direct:F2}**";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {run.Model.Description} | {run.Round} | {run.Path} | {measured.Requests:N0} | {measured.RequestsPerSecond:N0} | {Milliseconds(measured.P50)} | {Milliseconds(measured.P99)} | {measured.Failures:N0} | {run.MachineCpuPerRequest.TotalMicroseconds:N0} µs | {ratio} |"));
        }
    }
    foreach (var run in overhead.Where(run => run.Measured.Failures > 0))
    {
        Console.WriteLine($"Failures, {run.Model.Name}, round {run.Round}, {run.Path}: {string.Join("; ", run.Measured.FailureKinds)}");
    }
}
if (failovers.Count > 0)
{
    Console.WriteLine();
    Console.WriteLine($"Failover: {Failover.Clients} clients sending the seeded mlp request through the gateway back to back while inference-aws (the preferred cloud) is taken out, then brought back:");
    Console.WriteLine();
    Console.WriteLine("| outage | first answer from another cloud after | slowest request during the outage | requests during the outage | failed | first answer from aws again after it serves |");
    Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
    foreach (var run in failovers)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {run.Outage} | {run.MovedAfter:F2} s | {run.LongestRequest:F2} s | {run.Requests:N0} | {run.Failed} | {run.BackAfter:F2} s |"));
    }
}
return overhead.Any(run => run.Measured.Failures > 0) || failovers.Any(run => run.Failed > 0) ? 1 : 0;

static string Milliseconds(TimeSpan? value) => value is { } latency ? $"{latency.TotalMilliseconds:F1} ms" : "n/a";

// The same program with --one-start: one start on the data folder, its times as JSON on the last line of its output.
async Task<StartTimes> StartInOwnProcessAsync(string data)
{
    var start = new ProcessStartInfo("dotnet", ["exec", typeof(ColdStart).Assembly.Location, "--one-start", data, "--telemetry", telemetry ? "on" : "off"])
    {
        RedirectStandardOutput = true,
    };
    using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the bench's own process.");
    var output = await process.StandardOutput.ReadToEndAsync();
    await process.WaitForExitAsync();
    var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
    return process.ExitCode == 0 && last is not null
        ? JsonSerializer.Deserialize<StartTimes>(last)!
        : throw new InvalidOperationException($"A start in its own process failed (exit code {process.ExitCode}).");
}

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1]) : fallback;
}
