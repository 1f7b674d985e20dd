using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.Testing;

namespace Platform.AppHost.Bench;

/// <summary>
/// One start of the whole AppHost (built already), timed from the moment its builder is created: when each resource became
/// healthy (a one-shot resource: finished with exit code 0), when all were, and when the gateway served the first inference
/// and every cloud's inference service had every sample model ready.
/// </summary>
public sealed class ColdStart : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan AtRest = TimeSpan.FromSeconds(15);

    /// <summary>Resources that run once and exit: success is exit code 0.</summary>
    private static readonly string[] OneShot = ["seed-models"];

    public static readonly string[] SampleModels = ["iris", "house-price", "mlp"];

    private static readonly string[] Clouds = ["aws", "gcp", "azure"];

    private ColdStart(DistributedApplication app, StartTimes times)
    {
        App = app;
        Times = times;
    }

    public DistributedApplication App { get; }

    public StartTimes Times { get; }

    /// <param name="telemetry">
    /// As `dotnet run` runs it: the dashboard up and every service exporting its traces, metrics and logs to it. Off: no
    /// dashboard, and no service exports (which is what a deployment without a collector costs).
    /// </param>
    public static async Task<ColdStart> RunAsync(string dataPath, bool telemetry, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Patience);
        var started = Stopwatch.StartNew();
        var cpuAtStart = ProcessCpu.MachineBusy().TotalSeconds;
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Platform_AppHost>(
            [$"--Platform:DataPath={dataPath}", "--Logging:LogLevel:Default=Warning"], (options, _) => options.DisableDashboard = !telemetry, timeout.Token);
        if (!telemetry)
        {
            foreach (var project in builder.Resources.OfType<ProjectResource>())
            {
                builder.CreateResourceBuilder(project).WithEnvironment(context => context.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_ENDPOINT"));
            }
        }
        var app = await builder.BuildAsync(timeout.Token);
        try
        {
            // Watched from before the start: Aspire's StartAsync itself returns only once the resources have started.
            var upAt = new System.Collections.Concurrent.ConcurrentDictionary<string, TimeSpan>();
            using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            var watcher = Task.Run(async () =>
            {
                await foreach (var update in app.ResourceNotifications.WatchAsync(stopWatching.Token))
                {
                    var snapshot = update.Snapshot;
                    if (snapshot.HealthStatus == HealthStatus.Healthy || (snapshot.State?.Text == KnownResourceStates.Finished && snapshot.ExitCode == 0))
                    {
                        upAt.TryAdd(update.Resource.Name, started.Elapsed);
                    }
                }
            }, stopWatching.Token);
            await app.StartAsync(timeout.Token);
            var model = app.Services.GetRequiredService<DistributedApplicationModel>();
            // Parameters have no health, and hidden helpers (such as a project's rebuilder) only run on demand.
            var names = model.Resources
                .Where(resource => resource is not ParameterResource)
                .Where(resource => !(app.ResourceNotifications.TryGetCurrentState(resource.Name, out var current) && current.Snapshot.IsHidden))
                .Select(resource => resource.Name)
                .ToList();
            await Task.WhenAll(names.Select(name => WaitUntilUpAsync(app, name, timeout.Token)));
            var allHealthy = started.Elapsed;
            var busyCpu = ProcessCpu.MachineBusy().TotalSeconds - cpuAtStart;
            await stopWatching.CancelAsync();
            await watcher.ContinueWith(_ => { }, TaskScheduler.Default);
            var healthy = names.Select(name => (name, Elapsed: upAt.GetValueOrDefault(name, allHealthy))).ToList();

            using var gateway = app.CreateHttpClient("gateway");
            var firstInference = await PollAsync(async () =>
            {
                using var response = await gateway.PostAsync(Inference.Mlp.Path, Inference.Mlp.Request(), timeout.Token);
                return response.IsSuccessStatusCode;
            }, started, timeout.Token);
            var inference = Clouds.Select(cloud => app.CreateHttpClient($"inference-{cloud}")).ToList();
            var everywhere = await PollAsync(async () =>
            {
                foreach (var (client, model) in inference.SelectMany(client => SampleModels.Select(model => (client, model))))
                {
                    using var ready = await client.GetAsync($"/v2/models/{model}/ready", timeout.Token);
                    if (!ready.IsSuccessStatusCode)
                    {
                        return false;
                    }
                }
                return true;
            }, started, timeout.Token);
            inference.ForEach(client => client.Dispose());
            // At rest: what the platform costs the machine while nobody calls it (probes, polls, telemetry, the dashboard).
            await Task.Delay(Settle, timeout.Token);
            var restStarted = ProcessCpu.MachineBusy().TotalSeconds;
            await Task.Delay(AtRest, timeout.Token);
            var busyCoresAtRest = (ProcessCpu.MachineBusy().TotalSeconds - restStarted) / AtRest.TotalSeconds;
            return new ColdStart(app, new StartTimes(healthy.ToDictionary(entry => entry.name, entry => entry.Elapsed.TotalSeconds),
                allHealthy.TotalSeconds, firstInference.TotalSeconds, everywhere.TotalSeconds, busyCpu, busyCoresAtRest));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await app.DisposeAsync();
            throw new TimeoutException($"The platform was not up within {Patience.TotalMinutes} minutes of its start.");
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    private static async Task WaitUntilUpAsync(DistributedApplication app, string name, CancellationToken cancellationToken)
    {
        if (!OneShot.Contains(name))
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(name, cancellationToken);
            return;
        }
        var finished = await app.ResourceNotifications.WaitForResourceAsync(name,
            update => update.Snapshot.State?.Text == KnownResourceStates.Finished, cancellationToken);
        if (finished.Snapshot.ExitCode != 0)
        {
            throw new InvalidOperationException($"{name} finished with exit code {finished.Snapshot.ExitCode}.");
        }
    }

    private static async Task<TimeSpan> PollAsync(Func<Task<bool>> condition, Stopwatch started, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return started.Elapsed;
                }
            }
            catch (HttpRequestException)
            {
                // Not answering yet.
            }
            await Task.Delay(50, cancellationToken);
        }
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
