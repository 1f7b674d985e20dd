using Microsoft.Extensions.Options;
using Platform.Storage;
using Platform.Storage.Configuration;
using Platform.Sync.Extensions;
using Platform.Sync.Services;

namespace Platform.Sync.Reconciliation;

/// <summary>
/// Runs the data sync rules whose destinations are this worker's stores. Copy semantics: what the source has under the
/// prefix and the destination lacks, or holds with another SHA-256, is copied (verified, atomically replacing). A mirror rule
/// also deletes what the source no longer has, but, like rclone, never after any error in the run, and never more than
/// its <see cref="SyncRule.MaxDeletes"/>: a run that would exceed it deletes nothing and says so.
/// </summary>
public sealed class RuleRunner(
    IOptions<SyncOptions> options,
    ObjectStores stores,
    LocalStores local,
    Replicator replicator,
    SyncMetrics metrics,
    TimeProvider clock,
    ILogger<RuleRunner> logger)
{
    public async Task<IReadOnlyList<RuleReport>> RunAsync(CancellationToken cancellationToken)
    {
        var reports = new List<RuleReport>();
        foreach (var rule in options.Value.Rules)
        {
            foreach (var destination in local.Among(rule.Destinations, rule.Source))
            {
                var report = await RunAsync(rule, stores.Get(rule.Source), destination, cancellationToken);
                logger.LogInformation("Sync rule {Rule} into {Destination}: {Objects} objects, {Copied} copied, {Updated} updated, {Deleted} deleted, {Failures} failed{Skipped}",
                    report.Rule, report.Destination, report.SourceObjects, report.Copied, report.Updated, report.Deleted, report.Failures.Count,
                    report.DeletesSkipped is null ? "" : "; " + report.DeletesSkipped);
                reports.Add(report);
            }
        }
        return reports;
    }

    private async Task<RuleReport> RunAsync(SyncRule rule, IObjectStore source, IObjectStore destination, CancellationToken cancellationToken)
    {
        var report = new RuleReport { Rule = rule.ToString(), Destination = destination.Name };
        var sourceObjects = await ListAsync(source, rule.Prefix, report, cancellationToken);
        var destinationObjects = await ListAsync(destination, rule.Prefix, report, cancellationToken);
        if (sourceObjects is null)
        {
            report.DeletesSkipped = "the source listing failed";
            return report;
        }
        report.SourceObjects = sourceObjects.Count;
        foreach (var (key, info) in sourceObjects)
        {
            var present = destinationObjects?.GetValueOrDefault(key);
            if (present?.Sha256 is { } sha256 && string.Equals(sha256, info.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            try
            {
                var result = await replicator.ReplicateAsync(new ReplicationRequest(source.Name, key, info.Sha256, null, null, clock.GetUtcNow()),
                    destination, cancellationToken, replaceDifferent: true);
                if (result.Copied && present is null)
                {
                    report.Copied++;
                }
                else if (result.Copied)
                {
                    report.Updated++;
                }
            }
            catch (ReplicationFailure failure)
            {
                report.Failures.Add($"{key}: {failure.Message}");
            }
        }
        if (rule.Mode == SyncMode.Mirror)
        {
            await DeleteExtrasAsync(rule, destination, sourceObjects, destinationObjects, report, cancellationToken);
        }
        return report;
    }

    private async Task DeleteExtrasAsync(SyncRule rule, IObjectStore destination, Dictionary<string, ObjectInfo> sourceObjects,
        Dictionary<string, ObjectInfo>? destinationObjects, RuleReport report, CancellationToken cancellationToken)
    {
        if (destinationObjects is null)
        {
            report.DeletesSkipped = "the destination listing failed";
            return;
        }
        var extras = destinationObjects.Keys.Where(key => !sourceObjects.ContainsKey(key)).ToList();
        if (extras.Count == 0)
        {
            return;
        }
        if (report.Failures.Count > 0)
        {
            report.DeletesSkipped = $"{extras.Count} deletions skipped: the run had {report.Failures.Count} errors";
        }
        else if (extras.Count > rule.MaxDeletes)
        {
            report.DeletesSkipped = $"{extras.Count} deletions exceed MaxDeletes ({rule.MaxDeletes}); nothing was deleted";
            metrics.Drift(destination.Name, "mirror-max-delete");
        }
        if (report.DeletesSkipped is not null)
        {
            logger.LogWarning("Mirror rule {Rule} into {Destination}: {Reason}", report.Rule, destination.Name, report.DeletesSkipped);
            return;
        }
        foreach (var key in extras)
        {
            if (await destination.DeleteAsync(key, cancellationToken))
            {
                report.Deleted++;
            }
        }
        metrics.Deleted(destination.Name, report.Deleted);
    }

    /// <summary>Every object under the prefix; null (with the error in the report) when the listing failed part-way.</summary>
    private static async Task<Dictionary<string, ObjectInfo>?> ListAsync(IObjectStore store, string prefix, RuleReport report, CancellationToken cancellationToken)
    {
        var objects = new Dictionary<string, ObjectInfo>(StringComparer.Ordinal);
        try
        {
            await foreach (var info in store.ListAsync(prefix, cancellationToken))
            {
                objects[info.Key] = info;
            }
            return objects;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            report.Failures.Add($"listing '{prefix}' in {store.Name}: {exception.Message}");
            return null;
        }
    }
}
