using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts.Storage;
using Platform.Storage;
using Platform.Storage.Configuration;
using Platform.Sync.Tests.Hosting;
using Platform.Testing;

namespace Platform.Sync.Tests;

/// <summary>Runs alone: it moves a gigabyte through two emulators, and the timing of the kill matters.</summary>
[CollectionDefinition(nameof(CrashTests), DisableParallelization = true)]
public sealed class CrashCollection;

/// <summary>A sync worker run as its own process, so it can be killed with SIGKILL mid-copy.</summary>
public sealed class CrashFixture : IAsyncLifetime
{
    public Clouds Clouds { get; private set; } = null!;

    public BusObserver Observer { get; private set; } = null!;

    public ServiceProvider Services { get; private set; } = null!;

    public ObjectStores Stores => Services.GetRequiredService<ObjectStores>();

    public async ValueTask InitializeAsync()
    {
        Clouds = await Clouds.StartAsync();
        Services = await Clouds.OpenStoresAsync();
        Observer = await BusObserver.StartAsync(Clouds.Broker.ConnectionString, "sync-crash-observer", (endpoint, observer) =>
        {
            endpoint.Handler<ArtifactReplicated>(observer.Record);
            endpoint.Handler<ArtifactReplicationFailed>(observer.Record);
        });
    }

    /// <summary>
    /// Starts the worker and waits until it is healthy, which needs its bus ready: an event published before the worker's
    /// queue exists, or before the queue is bound to the event's exchange (MassTransit binds it just after declaring it),
    /// would be dropped.
    /// </summary>
    public async Task<ServiceProcess> StartWorkerAsync(string cloud)
    {
        var worker = await ServiceProcess.StartAsync("services/Sync", "Platform.Sync", new Dictionary<string, string?>(Clouds.StoreSettings)
        {
            ["ConnectionStrings:rabbitmq"] = Clouds.Broker.ConnectionString,
            ["Sync:Cloud"] = cloud,
            ["Sync:ReconcileInterval"] = "01:00:00",
        });
        try
        {
            await worker.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
            return worker;
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Observer.DisposeAsync();
        await Services.DisposeAsync();
        await Clouds.DisposeAsync();
    }
}

[Collection(nameof(CrashTests))]
public sealed class CrashTests(CrashFixture fixture) : IClassFixture<CrashFixture>
{
    private const long OneGiB = 1L << 30;

    /// <summary>The source in the GCS emulator, the copy in Azurite, and the blocks the killed copy left (measured: 2 GiB at the peak).</summary>
    private const long DiskNeeded = 3 * OneGiB;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    // It takes about 35 s; the timeout fails it well before the suite's hang timeout (10 minutes) would abort the whole run.
    [Fact(Timeout = 5 * 60 * 1000)]
    public async Task A_worker_killed_mid_copy_of_1_GiB_leaves_nothing_visible_and_finishes_the_copy_after_restart()
    {
        // On a full disk it hung instead of failing (seen once in CI, on a disk shared with other work), and took the run with it.
        var free = new DriveInfo(Path.GetTempPath()).AvailableFreeSpace;
        Assert.SkipWhen(free < DiskNeeded, $"Needs {DiskNeeded >> 30} GiB free under {Path.GetTempPath()} for the emulators' data; {free >> 20} MiB are.");
        var key = $"models/big-{Guid.NewGuid():n}/1/model.onnx";
        var source = fixture.Stores.Get("gcp");
        var destination = fixture.Stores.Get("azure");
        await using (var content = new GeneratedStream(OneGiB, seed: 42))
        {
            await source.PutAsync(key, content, cancellationToken: Cancellation);
        }
        var stored = (await source.GetInfoAsync(key, Cancellation))!;
        var worker = await fixture.StartWorkerAsync("azure");
        try
        {
            await fixture.Observer.Publisher.Publish(new ArtifactStored
            {
                Store = "gcp", Key = key, Size = stored.Size, Sha256 = stored.Sha256!, TargetStores = ["azure"], OccurredAt = DateTimeOffset.UtcNow,
            }, Cancellation);
            // Taken off the queue (so the copy began), then a moment to be well into the gigabyte.
            await WaitUntilAsync(async () => await fixture.Clouds.Broker.MessageCountAsync("sync-azure-artifact-stored") == 0, TimeSpan.FromSeconds(60));
            await Task.Delay(TimeSpan.FromSeconds(2), Cancellation);
            await worker.KillAsync();

            Assert.DoesNotContain(fixture.Observer.All<ArtifactReplicated>(), e => e.Key == key);
            Assert.Null(await destination.GetInfoAsync(key, Cancellation));

            worker = await fixture.StartWorkerAsync("azure");
            ArtifactReplicated replicated;
            try
            {
                replicated = await fixture.Observer.WaitForAsync<ArtifactReplicated>(e => e.Key == key, TimeSpan.FromMinutes(5));
            }
            catch (TimeoutException exception)
            {
                throw new TimeoutException($"{exception.Message}{Environment.NewLine}The restarted worker said:{Environment.NewLine}{worker.Output}", exception);
            }

            Assert.Equal((stored.Sha256, OneGiB), (replicated.Sha256, replicated.Size));
            var copy = await destination.GetInfoAsync(key, Cancellation);
            Assert.Equal((stored.Sha256, OneGiB), (copy!.Sha256, copy.Size));
        }
        finally
        {
            await worker.DisposeAsync();
            await source.DeleteAsync(key, CancellationToken.None);
            await destination.DeleteAsync(key, CancellationToken.None);
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!await condition())
        {
            await Task.Delay(50, deadline.Token);
        }
    }
}
