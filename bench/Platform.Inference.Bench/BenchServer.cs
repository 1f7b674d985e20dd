using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Grpc.Net.Client;
using Platform.Inference.Grpc.Protocol;
using Platform.Testing;

namespace Platform.Inference.Bench;

/// <summary>
/// The inference server run as its own process from its build output (Release when the benchmark is built so:
/// <see cref="RepositoryPaths.Configuration"/>), serving the models from files, with dynamic batching on and ONNX Runtime's
/// intra-op threads fixed, so that the in-process baseline can use the same.
/// </summary>
public sealed class BenchServer : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly ServiceProcess _process;
    private readonly HttpClient _client;
    private readonly string _folder;
    private readonly TimeSpan _warmUp;

    private readonly GrpcChannel _channel;
    private readonly Uri _http2;
    private readonly Dictionary<GatewayHop, ServiceProcess> _gateways = [];

    private BenchServer(ServiceProcess process, string folder, TimeSpan warmUp, int grpcPort)
    {
        _process = process;
        _folder = folder;
        _warmUp = warmUp;
        _client = process.CreateClient();
        _http2 = new UriBuilder(process.BaseAddress) { Port = grpcPort }.Uri;
        _channel = GrpcChannel.ForAddress(_http2);
    }

    /// <param name="warmUp">How long each case's load runs before it is measured: long enough for the JIT to finish tiering up the request path, which otherwise takes a share of the cores being measured.</param>
    public static async Task<BenchServer> StartAsync(IEnumerable<BenchModel> models, int intraOpThreads, TimeSpan warmUp)
    {
        var folder = Directory.CreateTempSubdirectory("platform-inference-bench-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Inference:CacheDirectory"] = Path.Combine(folder, "cache"),
            ["Inference:Defaults:IntraOpThreads"] = intraOpThreads.ToString(CultureInfo.InvariantCulture),
        };
        var grpcPort = FreePort.Next();
        settings["Inference:GrpcPort"] = grpcPort.ToString(CultureInfo.InvariantCulture);
        foreach (var model in models)
        {
            settings[$"Inference:Models:{model.Name}:Path"] = model.Path;
            settings[$"Inference:Models:{model.Name}:MaxBatchSize"] = model.MaxBatchSize.ToString(CultureInfo.InvariantCulture);
            settings[$"Inference:Models:{model.Name}:MaxQueueDelay"] = model.MaxQueueDelay.ToString("c", CultureInfo.InvariantCulture);
            settings[$"Inference:Models:{model.Name}:AllowSpinning"] = model.AllowSpinning ? "true" : "false";
            settings[$"Inference:Models:{model.Name}:Instances"] = model.Instances.ToString(CultureInfo.InvariantCulture);
            if (model.IntraOpThreads is { } threads)
            {
                settings[$"Inference:Models:{model.Name}:IntraOpThreads"] = threads.ToString(CultureInfo.InvariantCulture);
            }
        }
        var server = new BenchServer(await ServiceProcess.StartAsync("services/Inference", "Platform.Inference", settings), folder, warmUp, grpcPort);
        try
        {
            await server._process.WaitUntilHealthyAsync(ReadyTimeout, "/v2/health/ready");
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Sends <paramref name="model"/>'s single-row request with wrk at <paramref name="concurrency"/> for <paramref name="duration"/>,
    /// after a warm-up when <paramref name="warmUp"/> is set, and reads the mean dynamic batch of the measured part off the server's metrics.
    /// </summary>
    public async Task<Measurement> LoadAsync(BenchModel model, int concurrency, TimeSpan duration, bool warmUp, GatewayHop gateway = GatewayHop.None)
    {
        var (body, headerLength) = model.BinaryRequest();
        var bodyPath = Path.Combine(_folder, $"{model.Name}.request");
        await File.WriteAllBytesAsync(bodyPath, body);
        var server = gateway == GatewayHop.None ? _process.BaseAddress : await GatewayAsync(model, gateway);
        var request = new WrkRequest(new Uri(server, $"/v2/models/{model.Name}/infer"), "POST", bodyPath, new Dictionary<string, string>
        {
            ["Content-Type"] = "application/octet-stream",
            ["Inference-Header-Content-Length"] = headerLength.ToString(CultureInfo.InvariantCulture),
        });
        if (warmUp)
        {
            await Wrk.RunAsync(request, concurrency, _warmUp, RequestTimeout);
        }
        return await MeasureAsync(model, () => Wrk.RunAsync(request, concurrency, duration, RequestTimeout));
    }

    /// <summary>
    /// The platform's gateway, as its own process from its build output, with this server as its one cloud, spoken to over
    /// HTTP/1.1 on its HTTP port or over HTTP/2 on its gRPC port (as the AppHost sets it up); started the first time a case
    /// goes through it.
    /// </summary>
    private async Task<Uri> GatewayAsync(BenchModel model, GatewayHop hop)
    {
        if (!_gateways.TryGetValue(hop, out var gateway))
        {
            _gateways[hop] = gateway = await ServiceProcess.StartAsync("services/Gateway", "Platform.Gateway", new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Warning",
                ["Gateway:Clouds:local:Url"] = (hop == GatewayHop.Http2 ? _http2 : _process.BaseAddress).ToString(),
                ["Gateway:Clouds:local:Http2"] = hop == GatewayHop.Http2 ? "true" : "false",
            });
        }
        await gateway.WaitUntilHealthyAsync(ReadyTimeout, $"/v2/models/{model.Name}/ready");
        return gateway.BaseAddress;
    }

    /// <summary>
    /// Sends <paramref name="model"/>'s single-row request over gRPC from <paramref name="concurrency"/> clients in this process
    /// (each waits for its answer before it sends again) for <paramref name="duration"/>, after the same warm-up when <paramref name="warmUp"/> is set.
    /// </summary>
    public async Task<Measurement> GrpcLoadAsync(BenchModel model, int concurrency, TimeSpan duration, bool warmUp)
    {
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
        var request = model.GrpcRequest();
        if (warmUp)
        {
            await GrpcClients.RunAsync(client, request, concurrency, _warmUp);
        }
        return await MeasureAsync(model, () => GrpcClients.RunAsync(client, request, concurrency, duration));
    }

    /// <summary>Runs the measured load, with the server's CPU and the mean batch the server formed over it (its Triton metrics).</summary>
    private async Task<Measurement> MeasureAsync(BenchModel model, Func<Task<LoadReport>> load)
    {
        var before = await CountersAsync(model.Name);
        var cpu = CpuUse.Start(_process.ProcessId);
        var measured = await load();
        var used = cpu.Stop();
        var after = await CountersAsync(model.Name);
        var (rows, runs, computeMicroseconds) = (after.Rows - before.Rows, after.Runs - before.Runs, after.ComputeMicroseconds - before.ComputeMicroseconds);
        // Each request counts its batch's whole run (as in Triton), so the mean run is the compute time over the rows.
        return Measurement.Served(measured, runs > 0 ? (double)rows / runs : null, used,
            rows > 0 ? TimeSpan.FromMicroseconds((double)computeMicroseconds / rows) : null);
    }

    /// <summary>What HTTP alone costs: <c>GET /v2/health/live</c> with wrk, one request at a time.</summary>
    public async Task<Measurement> HttpFloorAsync(TimeSpan duration)
    {
        var cpu = CpuUse.Start(_process.ProcessId);
        var measured = await Wrk.RunAsync(new WrkRequest(new Uri(_process.BaseAddress, "/v2/health/live")), 1, duration, RequestTimeout);
        return Measurement.Served(measured, meanBatch: null, cpu.Stop(), meanRun: null);
    }

    /// <summary>
    /// Rows inferred, ONNX Runtime runs made, and the requests' compute time so far (Triton's <c>nv_inference_count</c>,
    /// <c>nv_inference_exec_count</c>, and the sum of <c>nv_inference_compute_input_duration_us</c>, <c>…_infer_…</c> and
    /// <c>…_output_…</c>: the whole of the server's <c>OnnxModel.Run</c>, as <see cref="ServerRun"/> measures it in process).
    /// </summary>
    private async Task<(long Rows, long Runs, long ComputeMicroseconds)> CountersAsync(string model)
    {
        var metrics = await _client.GetStringAsync("/metrics");
        return (Counter(metrics, "nv_inference_count", model), Counter(metrics, "nv_inference_exec_count", model),
            new[] { "input", "infer", "output" }.Sum(phase => Counter(metrics, $"nv_inference_compute_{phase}_duration_us", model)));
    }

    private static long Counter(string metrics, string name, string model) =>
        Regex.Match(metrics, $"^{name}\\{{model=\"{model}\",version=\"1\"\\}} (\\d+)$", RegexOptions.Multiline) is { Success: true } match
            ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : 0;

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        _channel.Dispose();
        foreach (var gateway in _gateways.Values)
        {
            await gateway.DisposeAsync();
        }
        await _process.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
