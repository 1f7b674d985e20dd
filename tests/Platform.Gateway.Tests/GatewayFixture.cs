using System.Net.Http.Json;
using Microsoft.Extensions.Hosting;
using Platform.Gateway.Apis;
using Platform.Gateway.Extensions;
using Platform.Inference.Apis;
using Platform.Testing;

namespace Platform.Gateway.Tests;

/// <summary>
/// Three real inference servers, one per cloud, each serving a real ONNX MLP as <c>mlp</c> from a file (gcp also serves
/// <c>only-gcp</c>), on fixed ports so that one can be stopped and started again, each with an HTTP/2-only port beside its
/// HTTP one (its gRPC port); and the gateway in front of them over HTTP/1.1, preferring aws, probing every 200 ms.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public static readonly string[] CloudNames = ["aws", "gcp", "azure"];

    private readonly string _folder = Directory.CreateTempSubdirectory("platform-gateway-").FullName;
    private readonly Dictionary<string, int> _ports = CloudNames.ToDictionary(cloud => cloud, _ => FreePort.Next());
    private readonly Dictionary<string, int> _http2Ports = CloudNames.ToDictionary(cloud => cloud, _ => FreePort.Next());

    public Dictionary<string, InProcessServer?> Inference { get; } = new();

    public InProcessServer Gateway { get; private set; } = null!;

    /// <summary>The cloud's HTTP/2-only endpoint (inference's <c>Inference:GrpcPort</c>), which serves the REST protocol too.</summary>
    public string Http2Url(string cloud) => $"http://127.0.0.1:{_http2Ports[cloud]}";

    /// <summary>The MLP every cloud serves as <c>mlp</c>.</summary>
    public string ModelPath => Path.Combine(_folder, "mlp.onnx");

    public async ValueTask InitializeAsync()
    {
        await File.WriteAllBytesAsync(ModelPath, SampleModels.SampleModels.Mlp(4, [8], 3));
        foreach (var cloud in CloudNames)
        {
            await StartInferenceAsync(cloud);
        }
        Gateway = await StartGatewayAsync(new Dictionary<string, string?>
        {
            ["Gateway:PreferredCloud"] = "aws",
            ["Gateway:Policy"] = "NearestFirst",
        });
        await WaitUntilEveryCloudAnswersAsync();
    }

    /// <summary>
    /// Until the gateway has probed every cloud and found it answering: a probe that timed out while the servers were still
    /// warming up would otherwise send the first requests past the preferred cloud.
    /// </summary>
    public async Task WaitUntilEveryCloudAnswersAsync(InProcessServer? gateway = null)
    {
        using var client = (gateway ?? Gateway).CreateClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var clouds = await client.GetFromJsonAsync<CloudStatus[]>("/gateway/clouds", timeout.Token);
            if (clouds!.Length == CloudNames.Length && clouds.All(cloud => cloud is { Live: true, LatencyMs: not null }))
            {
                return;
            }
            await Task.Delay(100, timeout.Token);
        }
    }

    /// <summary>A gateway over the three clouds (a cloud's URL in <paramref name="settings"/> replaces the fixture's server for it).</summary>
    public Task<InProcessServer> StartGatewayAsync(Dictionary<string, string?> settings)
    {
        settings["Gateway:ProbeInterval"] = "00:00:00.200";
        settings["Gateway:ProbeTimeout"] = "00:00:00.500";
        foreach (var cloud in CloudNames)
        {
            settings.TryAdd($"Gateway:Clouds:{cloud}:Url", $"http://127.0.0.1:{_ports[cloud]}");
        }
        return InProcessServer.StartAsync(typeof(GatewayApi).Assembly.GetName().Name!, settings, "Production",
            builder =>
            {
                builder.AddServiceDefaults();
                builder.AddApplicationServices();
            },
            app =>
            {
                app.MapDefaultEndpoints();
                app.MapGatewayApi();
            });
    }

    public async Task StartInferenceAsync(string cloud)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Inference:Models:mlp:Path"] = ModelPath,
            ["Inference:CacheDirectory"] = Directory.CreateDirectory(Path.Combine(_folder, cloud)).FullName,
            ["Inference:GrpcPort"] = _http2Ports[cloud].ToString(),
        };
        if (cloud == "gcp")
        {
            settings["Inference:Models:only-gcp:Path"] = ModelPath;
        }
        Inference[cloud] = await InProcessServer.StartAsync(typeof(InferenceEndpoints).Assembly.GetName().Name!, settings, "Production",
            builder =>
            {
                builder.AddServiceDefaults();
                Platform.Inference.Extensions.ApplicationServiceExtensions.AddApplicationServices(builder);
            },
            app => app.MapInference(),
            port: _ports[cloud]);
    }

    public async Task StopInferenceAsync(string cloud)
    {
        if (Inference[cloud] is { } server)
        {
            Inference[cloud] = null;
            await server.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }
        foreach (var cloud in CloudNames)
        {
            await StopInferenceAsync(cloud);
        }
        Directory.Delete(_folder, recursive: true);
    }
}
