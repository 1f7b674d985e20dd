using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Contracts.Models;
using Platform.Registry.Extensions;
using Platform.Registry.Infrastructure;
using Platform.Registry.Model;
using Platform.Registry.Outbox;
using Platform.Storage;
using Platform.Storage.Configuration;

namespace Platform.Registry.Services;

/// <summary>
/// Settles uploads that a stopped registry left UPLOADING: after <see cref="RegistryOptions.AbandonedUploadAfter"/> the
/// version is FAILED with its reason, and whatever it left under its key is deleted, so a crash mid-upload leaves the same
/// state as a refused upload. Runs at start and then periodically.
/// </summary>
public sealed class AbandonedUploadSweeper(
    IServiceScopeFactory scopes,
    ObjectStores stores,
    OutboxSignal outbox,
    IOptions<RegistryOptions> options,
    TimeProvider clock,
    ILogger<AbandonedUploadSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var threshold = options.Value.AbandonedUploadAfter;
        var interval = TimeSpan.FromTicks(Math.Clamp(threshold.Ticks / 4, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromMinutes(5).Ticks));
        using var timer = new PeriodicTimer(interval, clock);
        do
        {
            try
            {
                await SweepAsync(threshold, stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Could not sweep abandoned uploads; trying again in {Interval}", interval);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async Task<int> SweepAsync(TimeSpan threshold, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var cutoff = clock.GetUtcNow() - threshold;
        // Few rows are ever UPLOADING, and SQLite cannot compare DateTimeOffset in SQL, so the age is checked here.
        var uploading = await db.Versions.Include(version => version.Model).Where(version => version.Status == VersionStatus.Uploading).ToListAsync(cancellationToken);
        var settled = 0;
        foreach (var version in uploading.Where(version => version.CreatedAt < cutoff))
        {
            if (await SettleAsync(db, version, cancellationToken))
            {
                settled++;
            }
        }
        if (settled > 0)
        {
            outbox.Notify();
        }
        return settled;
    }

    private async Task<bool> SettleAsync(RegistryDbContext db, ModelVersion version, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        version.Status = VersionStatus.Failed;
        version.FailureReason = $"The upload was abandoned: it was still incomplete after {options.Value.AbandonedUploadAfter} (the registry handling it stopped).";
        db.Enqueue(new ModelVersionRegistered { Model = version.Model.Name, Version = version.Version, Status = "FAILED", OccurredAt = now }, now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The upload finished or failed on its own meanwhile; it is settled either way.
            db.ChangeTracker.Clear();
            return false;
        }
        // Marked FAILED first, so no reader ever sees a READY version whose artifact is gone.
        if (stores.TryGet(version.Store, out var store))
        {
            await store.DeleteAsync(version.Key, cancellationToken);
        }
        logger.LogWarning("Failed abandoned upload of {Model} version {Version} (started {CreatedAt})", version.Model.Name, version.Version, version.CreatedAt);
        return true;
    }
}
