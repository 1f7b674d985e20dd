using System.Diagnostics;
using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.AppHost.Bench;

/// <summary>
/// One start of the whole AppHost (built already), timed from the moment its builder is created: when each resource became
/// healthy (a one-shot resource: finished with exit code 0), when all were, and when the gateway served the first inference
/// and saw every sample model ready in every cloud.
/// </summary>
public sealed class ColdStart : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    /// <summary>Resources that run once and exit: success is exit code 0.</summary>
    private static readonly string[] OneShot = ["seed-models"];

    public static readonly string[] SampleModels = ["iris", "house-price", "mlp"];

    private ColdStart(DistributedApplication app, IReadOnlyDictionary<string, TimeSpan> healthy, TimeSpan allHealthy, TimeSpan firstInference, TimeSpan everyModelEverywhere)
    {
        App = app;
        Healthy = healthy;
        AllHealthy = allHealthy;
        FirstInference = firstInference;
        EveryModelEverywhere = everyModelEverywhere;
    }

    public DistributedApplication App { get; }

    /// <summary>When each resource became healthy, after the start.</summary>
    public IReadOnlyDictionary<string, TimeSpan> Healthy { get; }

    public TimeSpan AllHealthy { get; }

    /// <summary>When the gateway first answered an inference request with 200.</summary>
    public TimeSpan FirstInference { get; }

    /// <summary>When the gateway first reported every sample model ready in every cloud.</summary>
    public TimeSpan EveryModelEverywhere { get; }

    public static async Task<ColdStart> RunAsync(string dataPath, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Patience);
        var started = Stopwatch.StartNew();
        // As `dotnet run --project AppHost` runs it, dashboard included.
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Platform_AppHost>(
            [$"--Platform:DataPath={dataPath}"], (options, _) => options.DisableDashboard = false, timeout.Token);
        var app = await builder.BuildAsync(timeout.Token);
        try
        {
            await app.StartAsync(timeout.Token);
            var model = app.Services.GetRequiredService<DistributedApplicationModel>();
            var names = model.Resources
                .Where(resource => resource is not ParameterResource)
                .Where(resource => !(app.ResourceNotifications.TryGetCurrentState(resource.Name, out var current) && current.Snapshot.IsHidden))
                .Select(resource => resource.Name)
                .ToList();
            var healthy = await Task.WhenAll(names.Select(async name =>
            {
                await WaitUntilUpAsync(app, name, timeout.Token);
                return (name, started.Elapsed);
            }));
            var allHealthy = started.Elapsed;

            using var gateway = app.CreateHttpClient("gateway");
            var firstInference = await PollAsync(async () =>
            {
                using var response = await gateway.PostAsync("/v2/models/mlp/infer", Inference.MlpRequest(), timeout.Token);
                return response.IsSuccessStatusCode;
            }, started, timeout.Token);
            var everywhere = await PollAsync(async () =>
            {
                var clouds = await gateway.GetFromJsonAsync<CloudStatus[]>("/gateway/clouds", timeout.Token);
                return clouds is { Length: > 0 } && clouds.All(cloud => cloud.Live && SampleModels.All(name => cloud.Models.GetValueOrDefault(name)));
            }, started, timeout.Token);
            return new ColdStart(app, healthy.ToDictionary(entry => entry.name, entry => entry.Elapsed), allHealthy, firstInference, everywhere);
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

    private sealed record CloudStatus(string Cloud, bool Live, Dictionary<string, bool> Models);
}
