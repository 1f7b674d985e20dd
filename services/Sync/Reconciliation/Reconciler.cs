using Microsoft.Extensions.Options;
using Platform.Contracts.Storage;
using Platform.Storage;
using Platform.Sync.Extensions;
using Platform.Sync.Services;
using MassTransit;

namespace Platform.Sync.Reconciliation;

/// <summary>
/// Anti-entropy: compares what the registry expects this cloud's stores to hold with what they hold (the object's recorded
/// SHA-256), copies what is missing, replaces what is corrupt, reports unrecorded copies to the registry, and runs the data
/// sync rules. Events make replication fast; this makes it certain, whatever messages were lost or whoever crashed.
/// </summary>
public sealed class Reconciler(
    RegistryClient registry,
    LocalStores local,
    Replicator replicator,
    RuleRunner rules,
    IBus bus,
    SyncMetrics metrics,
    TimeProvider clock,
    ILogger<Reconciler> logger)
{
    private readonly SemaphoreSlim _running = new(1, 1);

    public ReconcileReport? LastReport { get; private set; }

    /// <summary>Runs once; a second caller waits for the run in progress to end and then runs its own.</summary>
    public async Task<ReconcileReport> RunAsync(CancellationToken cancellationToken)
    {
        await _running.WaitAsync(cancellationToken);
        try
        {
            var report = new ReconcileReport { StartedAt = clock.GetUtcNow() };
            if (registry.Configured)
            {
                await ReconcileModelsAsync(report, cancellationToken);
            }
            report.Rules.AddRange(await rules.RunAsync(cancellationToken));
            report.FinishedAt = clock.GetUtcNow();
            foreach (var store in report.Stores)
            {
                logger.LogInformation(
                    "Reconciled {Store}: {Checked} checked, {Missing} missing, {Corrupt} corrupt, {Unrecorded} unrecorded, {Repaired} repaired, {Failures} failed",
                    store.Store, store.Checked, store.Missing, store.Corrupt, store.Unrecorded, store.Repaired, store.Failures.Count);
            }
            LastReport = report;
            return report;
        }
        finally
        {
            _running.Release();
        }
    }

    private async Task ReconcileModelsAsync(ReconcileReport report, CancellationToken cancellationToken)
    {
        var reports = local.All.ToDictionary(store => store.Name, store => new StoreReport { Store = store.Name }, StringComparer.OrdinalIgnoreCase);
        report.Stores.AddRange(reports.Values);
        try
        {
            await foreach (var expected in registry.ListExpectedAsync(cancellationToken))
            {
                foreach (var store in local.Among(expected.TargetStores, source: ""))
                {
                    await ReconcileAsync(expected, store, reports[store.Name], cancellationToken);
                }
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or System.Text.Json.JsonException or InvalidOperationException)
        {
            report.RegistryError = exception.Message;
            logger.LogWarning("Could not read the registry's expected replicas; models are reconciled next time: {Error}", exception.Message);
        }
    }

    private async Task ReconcileAsync(ExpectedReplicas expected, IObjectStore store, StoreReport report, CancellationToken cancellationToken)
    {
        report.Checked++;
        var actual = await store.GetInfoAsync(expected.Key, cancellationToken);
        if (actual is not null && string.Equals(actual.Sha256, expected.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            if (!expected.Replicas.Contains(store.Name, StringComparer.OrdinalIgnoreCase))
            {
                report.Unrecorded++;
                metrics.Drift(store.Name, "unrecorded");
                await PublishReplicatedAsync(expected, expected.Store, store.Name, actual.Size, report, cancellationToken);
            }
            return;
        }
        var kind = actual is null ? "missing" : "corrupt";
        if (actual is null)
        {
            report.Missing++;
        }
        else
        {
            report.Corrupt++;
            logger.LogWarning("{Key} in {Store} is corrupt: SHA-256 {Actual}, expected {Expected}; replacing it", expected.Key, store.Name, actual.Sha256, expected.Sha256);
        }
        metrics.Drift(store.Name, kind);
        foreach (var source in Sources(expected, store.Name))
        {
            try
            {
                var request = new ReplicationRequest(source, expected.Key, expected.Sha256, expected.Model, expected.Version, clock.GetUtcNow());
                var result = await replicator.ReplicateAsync(request, store, cancellationToken, replaceDifferent: true);
                report.Repaired++;
                await PublishReplicatedAsync(expected, source, store.Name, result.Size, report, cancellationToken);
                return;
            }
            catch (ReplicationFailure failure)
            {
                logger.LogWarning("Could not repair {Key} in {Store} from {Source}: {Reason}", expected.Key, store.Name, source, failure.Message);
                report.Failures.Add($"{expected.Key} from {source}: {failure.Message}");
            }
        }
    }

    /// <summary>Where a copy can come from: the home store first, then the other recorded replicas, never the store being repaired.</summary>
    private static IEnumerable<string> Sources(ExpectedReplicas expected, string destination) =>
        new[] { expected.Store }.Concat(expected.Replicas)
            .Where(store => !string.Equals(store, destination, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>Reports a verified copy to the registry; one that no queue took is a failure of this run, reported again by the next.</summary>
    private async Task PublishReplicatedAsync(ExpectedReplicas expected, string source, string store, long size, StoreReport report,
        CancellationToken cancellationToken)
    {
        try
        {
            await ReplicaReport.PublishAsync(bus, new ArtifactReplicated
            {
                SourceStore = source, Store = store, Key = expected.Key, Size = size, Sha256 = expected.Sha256, Model = expected.Model,
                Version = expected.Version, VerifiedAt = clock.GetUtcNow(),
            }, logger, cancellationToken);
        }
        catch (MessageReturnedException returned)
        {
            logger.LogWarning("No queue took the report of {Key} in {Store}; the next reconcile reports it again", expected.Key, store);
            report.Failures.Add($"{expected.Key}: verified, but no queue took its report: {returned.Message}");
        }
    }
}

/// <summary>
/// Runs the reconciler at start and then every <see cref="SyncOptions.ReconcileInterval"/>. A run that could not read the
/// registry (not up yet, as when the whole platform starts at once, or unreachable) is tried again sooner: after 1 s, then
/// twice as long each time, up to 30 s or the interval, whichever is shorter.
/// </summary>
public sealed class ReconcileScheduler(Reconciler reconciler, IOptions<SyncOptions> options, ILogger<ReconcileScheduler> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        RetrySchedule.RunAsync(async cancellationToken =>
        {
            try
            {
                return (await reconciler.RunAsync(cancellationToken)).RegistryError is null;
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogError(exception, "Reconciliation failed; trying again soon");
                return false;
            }
        }, options.Value.ReconcileInterval, stoppingToken);
}
