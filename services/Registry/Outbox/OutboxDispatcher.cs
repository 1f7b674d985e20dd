using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Registry.Infrastructure;
using Platform.Registry.Model;

namespace Platform.Registry.Outbox;

/// <summary>
/// Publishes outbox rows in the order they were written. A row is marked dispatched only after the broker confirmed it, and
/// the marks of a batch are committed together, so delivery is at least once: a crash before that commit republishes the
/// batch with the same MessageIds, which consumers recognise. When a publish fails
/// (the broker is down), the dispatcher stops at that row, to keep the order, and tries again with a doubling delay.
/// A row that cannot be decoded into its event is tried <see cref="OutboxOptions.MaxAttempts"/> times the same way, then set
/// aside (<see cref="OutboxMessage.FailedAt"/>) with its error logged, so it cannot hold back every event behind it.
/// </summary>
public sealed class OutboxDispatcher(
    IServiceScopeFactory scopes,
    IBus bus,
    BusStart busStart,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var retryDelay = settings.RetryDelay;
        try
        {
            // Rows wait in the table until the bus has started (the broker answered), rather than in a publish that hangs on
            // MassTransit's connection retries.
            await busStart.WaitAsync(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                if (await TryDispatchPendingAsync(settings, stoppingToken))
                {
                    retryDelay = settings.RetryDelay;
                    await signal.WaitAsync(settings.PollInterval, stoppingToken);
                }
                else
                {
                    await Task.Delay(retryDelay, clock, stoppingToken);
                    retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, settings.MaxRetryDelay.Ticks));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping; undelivered rows wait in the table for the next start.
        }
    }

    /// <summary>Publishes everything pending; false when something failed and the rest must wait.</summary>
    private async Task<bool> TryDispatchPendingAsync(OutboxOptions settings, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            var dispatched = 0;
            while (true)
            {
                var batch = await db.Outbox.Where(message => message.DispatchedAt == null && message.FailedAt == null).OrderBy(message => message.Id)
                    .Take(settings.BatchSize).ToListAsync(stoppingToken);
                if (batch.Count == 0)
                {
                    // Only after publishing something, so an idle registry's polls cost one query.
                    if (dispatched > 0)
                    {
                        await PurgeDispatchedAsync(db, settings, stoppingToken);
                    }
                    return true;
                }
                foreach (var row in batch)
                {
                    if (!await TryPublishAsync(row, settings, stoppingToken))
                    {
                        // Keep what was sent (and the failure) before waiting to try again.
                        await db.SaveChangesAsync(stoppingToken);
                        return false;
                    }
                }
                // One commit per batch, not per message: a crash before it republishes the batch, with the same MessageIds.
                await db.SaveChangesAsync(stoppingToken);
                dispatched += batch.Count;
                logger.LogInformation("Dispatched {Count} outbox messages", batch.Count);
            }
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            // The database itself is unreachable; the rows are safe there, so wait and try again.
            logger.LogWarning(exception, "Could not read the outbox; retrying");
            return false;
        }
    }

    /// <summary>Deletes dispatched rows beyond the newest <see cref="OutboxOptions.KeepDispatched"/>; ids grow with time, so no clock is needed.</summary>
    private async Task PurgeDispatchedAsync(RegistryDbContext db, OutboxOptions settings, CancellationToken stoppingToken)
    {
        var newest = await db.Outbox.Where(message => message.DispatchedAt != null).MaxAsync(message => (long?)message.Id, stoppingToken);
        if (newest is null)
        {
            return;
        }
        var purged = await db.Outbox.Where(message => message.DispatchedAt != null && message.Id <= newest - settings.KeepDispatched)
            .ExecuteDeleteAsync(stoppingToken);
        if (purged > 0)
        {
            logger.LogInformation("Purged {Count} dispatched outbox messages", purged);
        }
    }

    /// <summary>Publishes one row; false when the dispatcher must stop at it and try again later.</summary>
    private async Task<bool> TryPublishAsync(OutboxMessage row, OutboxOptions settings, CancellationToken stoppingToken)
    {
        Type type;
        object message;
        try
        {
            type = OutboxContracts.Resolve(row.MessageType);
            message = JsonSerializer.Deserialize(row.Payload, type, OutboxExtensions.PayloadOptions)
                ?? throw new JsonException("The payload is JSON null.");
        }
        catch (Exception exception)
        {
            // Decoding touches neither the broker nor the network: the row itself is at fault.
            return SetAsideAfterMaxAttempts(row, exception, settings);
        }
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(settings.PublishTimeout);
            await bus.Publish(message, type, Pipe.Execute<PublishContext>(context => context.MessageId = row.MessageId), timeout.Token);
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            RecordFailure(row, exception);
            logger.LogWarning("Could not publish outbox message {OutboxId} ({MessageType}, attempt {Attempts}): {Error}",
                row.Id, row.MessageType, row.Attempts, row.LastError);
            return false;
        }
        row.DispatchedAt = clock.GetUtcNow();
        return true;
    }

    /// <summary>True when the row is set aside and the dispatcher may go on to the next one.</summary>
    private bool SetAsideAfterMaxAttempts(OutboxMessage row, Exception exception, OutboxOptions settings)
    {
        RecordFailure(row, exception);
        if (row.Attempts < settings.MaxAttempts)
        {
            logger.LogWarning("Could not decode outbox message {OutboxId} ({MessageType}, attempt {Attempts} of {MaxAttempts}): {Error}",
                row.Id, row.MessageType, row.Attempts, settings.MaxAttempts, row.LastError);
            return false;
        }
        row.FailedAt = clock.GetUtcNow();
        logger.LogError("Set aside outbox message {OutboxId} ({MessageType}) after {Attempts} attempts to decode it; the events behind it go on: {Error}",
            row.Id, row.MessageType, row.Attempts, row.LastError);
        return true;
    }

    private static void RecordFailure(OutboxMessage row, Exception exception)
    {
        row.Attempts++;
        row.LastError = exception.Message.Length > 1000 ? exception.Message[..1000] : exception.Message;
    }
}
