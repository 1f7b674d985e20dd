using System.Diagnostics;
using Platform.Sync.Bench;
using Platform.Testing;

// The sync worker against `rclone copy --transfers N`, side by side on one moto_server (S3) → Azurite pair, every copy
// hashed back afterwards; then the worker's replication lag under a steady stream of ArtifactStored events.
// Options: --rounds N (2; odd rounds run the worker first, even rounds rclone), --transfers N (4), --lag-seconds S (30),
// --rate R (20 events/s), --worker Key=Value (worker configuration, repeatable, e.g. --worker Sync:ConcurrentCopies=8),
// --only 16mib,1gib,lag (a comma-separated subset of the cases; all by default).
var rounds = Option("--rounds", 2);
var transfers = Option("--transfers", 4);
var lagSeconds = Option("--lag-seconds", 30);
var rate = Option("--rate", 20);
var only = Value("--only")?.Split(',') ?? ["16mib", "1gib", "lag"];
var workerSettings = Values("--worker").Select(setting => setting.Split('=', 2)).ToDictionary(pair => pair[0], pair => (string?)pair[1]);

Console.Error.WriteLine($"Worker from services/Sync/bin/{RepositoryPaths.Configuration}; starting moto_server, Azurite and RabbitMQ.");
await using var clouds = await BenchClouds.StartAsync();
await using var replications = await Replications.StartAsync(clouds.Broker);
var rclone = new Rclone(clouds, transfers);

var seeding = Stopwatch.StartNew();
var warmUp = await WarmUp.SeedAsync(clouds.Source);
var cases = new List<CopyCase>();
var lagObjects = new List<SourceObject>();
if (only.Contains("16mib"))
{
    cases.Add(new CopyCase("20 × 16 MiB", "bench/16mib", await SourceObject.SeedAsync(clouds.Source, "bench/16mib", 20, 16 * SourceObject.MiB, firstSeed: 1)));
}
if (only.Contains("1gib"))
{
    cases.Add(new CopyCase("1 × 1 GiB", "bench/1gib", await SourceObject.SeedAsync(clouds.Source, "bench/1gib", 1, 1024 * SourceObject.MiB, firstSeed: 100)));
}
if (only.Contains("lag"))
{
    lagObjects.AddRange(await SourceObject.SeedAsync(clouds.Source, "bench/lag", lagSeconds * rate, SourceObject.MiB, firstSeed: 1000));
}
Console.Error.WriteLine($"Seeded the source store in {seeding.Elapsed.TotalSeconds:F0} s.");

var rows = new List<ThroughputRow>();
for (var round = 1; round <= rounds && cases.Count > 0; round++)
{
    var workerFirst = round % 2 == 1;
    foreach (var copyCase in cases)
    {
        Console.Error.WriteLine($"Round {round}: {copyCase.Name}, {(workerFirst ? "worker" : "rclone")} first.");
        Measurement worker, copied;
        if (workerFirst)
        {
            worker = await copyCase.RunWorkerAsync(clouds, replications, workerSettings, warmUp);
            copied = await copyCase.RunRcloneAsync(clouds, rclone);
        }
        else
        {
            copied = await copyCase.RunRcloneAsync(clouds, rclone);
            worker = await copyCase.RunWorkerAsync(clouds, replications, workerSettings, warmUp);
        }
        var row = new ThroughputRow(copyCase, round, workerFirst, worker, copied);
        Console.Error.WriteLine($"  worker {worker.MiBPerSecond(copyCase.Bytes):F1} MiB/s, rclone {copied.MiBPerSecond(copyCase.Bytes):F1} MiB/s, ratio {row.Ratio:F2}");
        rows.Add(row);
    }
}

LagRun.Result? lag = null;
if (lagObjects.Count > 0)
{
    Console.Error.WriteLine($"Lag: {lagObjects.Count} events at {rate}/s.");
    lag = await LagRun.RunAsync(clouds, replications, workerSettings, warmUp, lagObjects, rate);
}

Console.WriteLine($"{Environment.ProcessorCount} cores, {DateTimeOffset.UtcNow:yyyy-MM-dd}, worker built {RepositoryPaths.Configuration}" +
    (workerSettings.Count > 0 ? $", worker settings {string.Join(", ", workerSettings.Select(setting => $"{setting.Key}={setting.Value}"))}" : "") +
    $"; every copy verified by hashing it back (and the worker's sha256 metadata).");
Console.WriteLine();
if (rows.Count > 0)
{
    Console.WriteLine(Report.Throughput(rows, transfers));
    Console.WriteLine("CPU seconds per GiB copied, summed over the rounds, while each contender copied:");
    Console.WriteLine();
    Console.WriteLine(Report.Cpu(rows));
    Console.WriteLine($"rclone: {rclone.CommandLine("<case prefix>")}, remotes from the environment:");
    foreach (var (name, value) in rclone.Environment(printable: true))
    {
        Console.WriteLine($"  {name}={value}");
    }
    Console.WriteLine();
}
if (lag is not null)
{
    Console.WriteLine(Report.Lag(lag));
}
return 0;

int Option(string name, int fallback) => Value(name) is { } value ? int.Parse(value) : fallback;

string? Value(string name) => Values(name).LastOrDefault();

IEnumerable<string> Values(string name) => args.Select((argument, index) => (argument, index))
    .Where(pair => pair.argument == name && pair.index + 1 < args.Length)
    .Select(pair => args[pair.index + 1]);
