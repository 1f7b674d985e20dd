using Platform.Registry.Bench;
using Platform.SampleModels;
using Platform.Testing;

// Load test of the registry over loopback: register 1 MiB versions and resolve name@alias with hey at concurrency 16,
// next to baselines measured in the same run. Options: --duration SECONDS (default 20), --concurrency N (default 16).
var duration = TimeSpan.FromSeconds(Option("--duration", 20));
var concurrency = Option("--concurrency", 16);
const string Model = "bench-mlp";
const string Alias = "production";
var heyTimeout = duration + TimeSpan.FromMinutes(2);

var artifact = SampleModels.Mlp(512, [512], 10);
var artifactPath = Path.Combine(Path.GetTempPath(), $"platform-registry-bench-{Guid.NewGuid():n}.onnx");
await File.WriteAllBytesAsync(artifactPath, artifact);
var results = new List<LoadResult>();
try
{
    await using (var registry = await BenchRegistry.StartAsync(maxArtifactBytes: 16 * 1024 * 1024))
    {
        await registry.SeedAsync(Model, Alias, artifactPath);
        var url = registry.BaseAddress.ToString().TrimEnd('/');
        string[] reader = ["-H", $"{BenchRegistry.ApiKeyHeader}: {BenchRegistry.ReaderKey}"];
        string[] upload = ["-m", "POST", "-T", "application/octet-stream", "-H", $"{BenchRegistry.ApiKeyHeader}: {BenchRegistry.WriterKey}", "-D", artifactPath];
        string[] concurrent = ["-c", concurrency.ToString()];
        string[] timed = [.. concurrent, "-z", $"{(int)duration.TotalSeconds}s"];

        Console.Error.WriteLine($"Registry at {url}; warming up.");
        await Hey.RunAsync([.. concurrent, "-n", "2000", $"{url}/alive"], heyTimeout);
        await Hey.RunAsync([.. concurrent, "-n", "2000", .. reader, $"{url}/api/resolve/{Model}@{Alias}"], heyTimeout);
        await Hey.RunAsync([.. concurrent, "-n", "64", .. upload, $"{url}/api/models/{Model}/versions"], heyTimeout);

        (string Case, string[] Arguments)[] runs =
        [
            ("GET /alive (baseline: no auth, no database)", [.. timed, $"{url}/alive"]),
            ($"GET /api/models/{{name}} (baseline: key + one model read)", [.. timed, .. reader, $"{url}/api/models/{Model}"]),
            ($"GET /api/resolve/{{name}}@{Alias}", [.. timed, .. reader, $"{url}/api/resolve/{Model}@{Alias}"]),
            ($"POST /api/models/{{name}}/versions, {artifact.Length / 1024} KiB ONNX", [.. timed, .. upload, $"{url}/api/models/{Model}/versions"]),
        ];
        foreach (var (name, arguments) in runs)
        {
            Console.Error.WriteLine($"Running {name} for {duration.TotalSeconds} s at concurrency {concurrency}.");
            results.Add(new LoadResult(name, "hey", await Hey.RunAsync(arguments, heyTimeout)));
        }
    }
    Console.Error.WriteLine("Running the file-write baseline.");
    results.Add(await FileWriteBaseline.RunAsync(artifact, concurrency, duration));
}
finally
{
    File.Delete(artifactPath);
}

Console.WriteLine($"{Environment.ProcessorCount} cores, concurrency {concurrency}, {duration.TotalSeconds} s per case, artifact {artifact.Length:N0} bytes " +
    $"({(double)artifact.Length / (1024 * 1024):F2} MiB), {DateTimeOffset.UtcNow:yyyy-MM-dd}");
Console.WriteLine();
Console.WriteLine(Report.Table(results));
foreach (var result in results.Where(result => result.Measured.Failures > 0))
{
    Console.WriteLine($"Failures in {result.Case}: {string.Join("; ", result.Measured.FailureKinds)}");
}
return results.Any(result => result.Measured.Failures > 0) ? 1 : 0;

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1]) : fallback;
}
