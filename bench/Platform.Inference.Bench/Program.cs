using System.Globalization;
using Platform.Inference.Bench;
using Platform.SampleModels;
using Platform.Testing;

// Load test of the inference server over loopback with wrk (binary tensor extension, single-row requests, dynamic batching
// on), beside ONNX Runtime called in process on the same files with the same intra-op threads, measured in the same run.
// Each case alternates in rounds: the baseline, the server's own run path in process (OnnxModel.Run, no HTTP), then the
// server under load, each for a slice of the case's duration, so that all three see the machine as it is at the time: its
// speed drifts by a third over minutes here, more than most changes being measured.
// Options: --duration SECONDS per case, all rounds together (default 15), --rounds N (default 3),
// --warm-up SECONDS of load before each case is measured (default 20), --intra-op-threads N (default: one per core),
// --only 1,3 (run only those cases, numbered as in the report).
var duration = TimeSpan.FromSeconds(Option("--duration", 15));
var rounds = Option("--rounds", 3);
// The served rate still rose for 10 to 15 s of load (the first of five rounds after 6 s of warm-up was 10 to 20 % below the
// others; after 20 s it was not), so the warm-up is longer than that.
var warmUp = TimeSpan.FromSeconds(Option("--warm-up", 20));
var intraOpThreads = Option("--intra-op-threads", Environment.ProcessorCount);
// Long enough for the clients a run just answered to send their next requests, short beside a run of the slow models.
var batchingDelay = TimeSpan.FromMilliseconds(5);

var folder = Directory.CreateTempSubdirectory("platform-inference-bench-models-").FullName;
try
{
    var random = new Random(3);
    var compute = Mlp("mlp-compute", "MLP 1024-4096-4096-1000", batchingDelay, 1024, [4096, 4096], 1000);
    // The same model as two instances (Triton's instance count) of one intra-op thread each, in batches of half the clients:
    // two runs at once, neither waiting for the other's threads, while the other half's answers and next requests cross HTTP.
    var computeInstances = compute with { Name = "mlp-compute-2x16", MaxBatchSize = 16, Instances = 2, IntraOpThreads = 1 };
    // The same model on every core but one, the baseline too: the served rate against raw `Run` when the HTTP path and the
    // load generator have a core of their own instead of taking theirs from ONNX Runtime's, as they do when it has them all.
    var spareCore = compute with { Name = "mlp-compute-spare-core", IntraOpThreads = Math.Max(1, Environment.ProcessorCount - 1) };
    // No delay: at concurrency 1 a worker would wait out every delay for company that never comes. Spinning: a run of this
    // model is shorter than waking a sleeping intra-op thread is worth (the big MLP's runs are long, and there the spinning
    // would take the cores that HTTP needs).
    var medium = Mlp("mlp-medium", "MLP 512-1024-1024-10", TimeSpan.Zero, 512, [1024, 1024], 10) with { AllowSpinning = true };
    // Rows of 1 MiB and little compute: what the server's HTTP path costs for large tensors (IoBlocks:BlockBytes), and the
    // gateway's in front of it (Gateway:InMemoryBodyBytes).
    var wide = Mlp("mlp-wide", "MLP 262144-16-10 (1 MiB rows)", TimeSpan.Zero, 262144, [16], 10) with { MaxBatchSize = 8 };
    var sentence = MiniLm.Tokenize("The inference server batches requests from many clients into one ONNX Runtime run.");
    var miniLmPath = Path.Combine(folder, "minilm.onnx");
    MiniLm.WriteModel(miniLmPath);
    // Batches of 8 for its 8 clients: a batch that cannot fill would wait out the delay every time.
    var miniLm = new BenchModel("minilm", $"all-MiniLM-L6-v2, {sentence.Tokens} tokens", miniLmPath, 8, batchingDelay,
        [
            new BenchInput("input_ids", sentence.Shape, sentence.InputIds),
            new BenchInput("attention_mask", sentence.Shape, sentence.AttentionMask),
            new BenchInput("token_type_ids", sentence.Shape, sentence.TokenTypeIds),
        ],
        "last_hidden_state");

    BenchCase[] cases =
    [
        new($"{compute.Description} (compute-bound)", compute, 32, 32),
        new($"{compute.Description} (compute-bound), 2 instances of 1 intra-op thread, MaxBatchSize 16", computeInstances, 32, 32),
        new(medium.Description, medium, 1, 1),
        new(medium.Description, medium, 8, 8),
        new(medium.Description, medium, 32, 32),
        new(miniLm.Description, miniLm, 8, 8),
        new($"{medium.Description}, over gRPC (a .NET client in the benchmark's process)", medium, 1, 1, Grpc: true),
        new($"{medium.Description}, over gRPC (a .NET client in the benchmark's process)", medium, 8, 8, Grpc: true),
        new(wide.Description, wide, 8, 8),
        new($"{wide.Description}, through the gateway (HTTP/1.1 to the server, as deployed)", wide, 8, 8, Gateway: GatewayHop.Http1),
        new($"{wide.Description}, through the gateway (HTTP/2 to the server, as the AppHost runs it)", wide, 8, 8, Gateway: GatewayHop.Http2),
        new($"{compute.Description} (compute-bound), {spareCore.IntraOpThreads} intra-op thread{(spareCore.IntraOpThreads == 1 ? "" : "s")}: a core left for HTTP and wrk", spareCore, 32, 32),
    ];

    var only = Array.IndexOf(args, "--only") is var at and >= 0 && at + 1 < args.Length ? args[at + 1].Split(',').Select(int.Parse).ToHashSet() : null;
    cases = [.. cases.Where((_, index) => only is null || only.Contains(index + 1))];
    // Each case's baseline runs just before it, while the server idles, so that both see the same load on the machine.
    var models = cases.Select(benchCase => benchCase.Model).Distinct().ToList();
    // The baseline, and the server's run path in process, run one batch at a time on as many intra-op threads as the server's
    // instances of the model have together.
    int Threads(BenchModel model) => model.IntraOpThreads is { } each ? each * model.Instances : intraOpThreads;
    var raw = models.ToDictionary(model => model, model => new RawOnnx(model, Threads(model)));
    var serverRun = models.ToDictionary(model => model, model => new ServerRun(model, Threads(model)));
    var results = new List<BenchResult>();
    Measurement httpFloor;
    try
    {
        Console.Error.WriteLine($"Starting the inference server from services/Inference/bin/{RepositoryPaths.Configuration}.");
        await using var server = await BenchServer.StartAsync(models, intraOpThreads, warmUp);
        foreach (var benchCase in cases)
        {
            Console.Error.WriteLine($"{benchCase.Model.Description}: ONNX Runtime and the server's run path in process at batch {benchCase.BaselineBatch}, then {(benchCase.Grpc ? "gRPC clients" : "wrk")} at concurrency {benchCase.Concurrency}, {rounds} times.");
            var (baselines, serverRuns, served) = (new List<Measurement>(), new List<Measurement>(), new List<Measurement>());
            for (var round = 0; round < rounds; round++)
            {
                baselines.Add(raw[benchCase.Model].Measure(benchCase.BaselineBatch, duration / rounds));
                serverRuns.Add(serverRun[benchCase.Model].Measure(benchCase.BaselineBatch, duration / rounds));
                served.Add(benchCase.Grpc
                    ? await server.GrpcLoadAsync(benchCase.Model, benchCase.Concurrency, duration / rounds, warmUp: round == 0)
                    : await server.LoadAsync(benchCase.Model, benchCase.Concurrency, duration / rounds, warmUp: round == 0, benchCase.Gateway));
            }
            var arranged = Arranged(benchCase.Model);
            results.Add(new BenchResult(benchCase, Measurement.Combine(served), Measurement.Combine(baselines), Measurement.Combine(serverRuns),
                [.. served.Zip(baselines)], arranged));
        }
        httpFloor = await server.HttpFloorAsync(duration);
    }
    finally
    {
        foreach (var session in raw.Values.Concat<IDisposable>(serverRun.Values))
        {
            session.Dispose();
        }
    }

    Console.WriteLine($"{Environment.ProcessorCount} cores, {DateTimeOffset.UtcNow:yyyy-MM-dd}, server built {RepositoryPaths.Configuration}, " +
        $"intra-op threads {intraOpThreads} (server and baseline" +
        string.Concat(models.Where(model => model.IntraOpThreads is not null).Select(model => $"; {model.Name}: {model.IntraOpThreads} in each of the server's {model.Instances} instances, {Threads(model)} for the baseline")) +
        "), MaxBatchSize and MaxQueueDelay " +
        string.Join(", ", models.Select(model => $"{model.Name} {model.MaxBatchSize} and {model.MaxQueueDelay.TotalMilliseconds} ms")) +
        $", intra-op spinning for {string.Join(", ", models.Where(model => model.AllowSpinning).Select(model => model.Name).DefaultIfEmpty("none"))}" +
        " (the baseline spins: ONNX Runtime's default)" +
        $", {duration.TotalSeconds} s per case in {rounds} rounds (baseline, the server's run path in process, then the server) after {warmUp.TotalSeconds} s of warm-up, requests and responses in the binary tensor extension");
    Console.WriteLine();
    Console.WriteLine(Report.Table(results));
    Console.WriteLine($"HTTP floor (wrk, GET /v2/health/live, concurrency 1): {httpFloor.Rate:N0} req/s, p50 {httpFloor.P50?.TotalMilliseconds:F2} ms, " +
        $"mean {1000 / httpFloor.Rate:F2} ms, server CPU {Report.Microseconds(httpFloor.CpuPerRow)} and machine CPU {Report.Microseconds(httpFloor.MachineCpuPerRow)} per request.");
    foreach (var result in results)
    {
        Console.WriteLine($"{result.Case.Name} at concurrency {result.Case.Concurrency}: req/s ÷ baseline in each round " +
            string.Join(", ", result.Rounds.Select(round => string.Create(CultureInfo.InvariantCulture, $"{round.Served.Rate / round.Baseline.Rate:F2} ({round.Served.Rate:N0} ÷ {round.Baseline.Rate:N0})"))) + ".");
    }
    foreach (var result in results.Where(result => result.Arranged is not null))
    {
        var model = result.Case.Model;
        Console.WriteLine($"{result.Case.Name}: ONNX Runtime in process arranged as the server runs it ({model.Instances} threads at once, each `Run` after `Run` " +
            $"at batch {model.MaxBatchSize} on {model.IntraOpThreads ?? intraOpThreads} intra-op threads): {result.Arranged!.Rate:N0} rows/s, served ÷ that {result.Served.Rate / result.Arranged.Rate:F2}.");
    }
    foreach (var result in results.Where(result => result.Served.Failures > 0))
    {
        Console.WriteLine($"Failures in {result.Case.Name} at concurrency {result.Case.Concurrency}: {string.Join("; ", result.Served.FailureKinds)}");
    }
    return results.Any(result => result.Served.Failures > 0) ? 1 : 0;

    // A model the server runs as several instances is also measured in process arranged the same way (that many threads
    // running batches at once, each on the model's own intra-op threads), so that its ratio is not only against the other layout.
    Measurement? Arranged(BenchModel model)
    {
        if (model.Instances == 1)
        {
            return null;
        }
        using var arranged = new RawOnnx(model, model.IntraOpThreads ?? intraOpThreads);
        return arranged.Measure(model.MaxBatchSize, duration, model.Instances);
    }

    BenchModel Mlp(string name, string description, TimeSpan maxQueueDelay, int inputs, int[] hidden, int outputs)
    {
        var path = Path.Combine(folder, name + ".onnx");
        File.WriteAllBytes(path, SampleModels.Mlp(inputs, hidden, outputs));
        var row = Enumerable.Range(0, inputs).Select(_ => random.NextSingle() * 2 - 1).ToArray();
        return new BenchModel(name, description, path, 32, maxQueueDelay, [new BenchInput("input", [1, inputs], row)], "output");
    }
}
finally
{
    Directory.Delete(folder, recursive: true);
}

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1]) : fallback;
}

