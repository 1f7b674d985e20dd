using System.Diagnostics;
using Platform.Storage;
using Platform.Storage.Configuration;

namespace Platform.Sync.Services;

/// <summary>
/// Copies one object into one destination store, verified. A copy that is already there costs one metadata read; a
/// different object under the key is a conflict, never overwritten. The bytes stream from the source into a create-only put
/// that must hash to the expected SHA-256 (which is what the source records), and Platform.Storage publishes a put under its
/// final key only after that check: a failed or killed copy leaves nothing visible.
/// </summary>
public sealed class Replicator(ObjectStores stores, SyncMetrics metrics, TimeProvider clock, ILogger<Replicator> logger)
{
    /// <param name="replaceDifferent">
    /// Replace a different object under the key instead of reporting a conflict: for sync rules (the source is the authority
    /// for its prefix) and for repairing a corrupt replica. The replacement is one atomic overwrite.
    /// </param>
    public async Task<ReplicationResult> ReplicateAsync(ReplicationRequest request, IObjectStore destination, CancellationToken cancellationToken,
        bool replaceDifferent = false)
    {
        if (!stores.TryGet(request.SourceStore, out var source))
        {
            throw new ReplicationFailure(ReplicationFailureKind.SourceMissing, $"This worker has no store named '{request.SourceStore}' to copy from.");
        }
        try
        {
            var expected = request.Sha256;
            ObjectInfo? sourceInfo = null;
            if (expected is null)
            {
                sourceInfo = await SourceInfoAsync(source, request.Key, cancellationToken);
                expected = sourceInfo.Sha256 ?? throw new ReplicationFailure(ReplicationFailureKind.SourceCorrupt,
                    $"'{request.Key}' in store '{source.Name}' records no SHA-256, so a copy could not be verified.");
            }
            if (await ExistingAsync(destination, request.Key, expected, replaceDifferent, cancellationToken) is { } existing)
            {
                return existing;
            }
            sourceInfo ??= await SourceInfoAsync(source, request.Key, cancellationToken);
            if (!string.Equals(sourceInfo.Sha256, expected, StringComparison.OrdinalIgnoreCase))
            {
                throw new ReplicationFailure(ReplicationFailureKind.SourceCorrupt,
                    $"'{request.Key}' in store '{source.Name}' records SHA-256 {sourceInfo.Sha256 ?? "(none)"}, not the expected {expected}.");
            }
            return await CopyAsync(request, source, destination, sourceInfo, expected, replaceDifferent, cancellationToken);
        }
        catch (ReplicationFailure failure)
        {
            metrics.Failed(source.Cloud, destination.Cloud, failure.Kind);
            throw;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            metrics.Failed(source.Cloud, destination.Cloud, ReplicationFailureKind.Error);
            throw new ReplicationFailure(ReplicationFailureKind.Error, $"Copying '{request.Key}' from '{source.Name}' to '{destination.Name}' failed: {exception.Message}", exception);
        }
    }

    private async Task<ReplicationResult> CopyAsync(ReplicationRequest request, IObjectStore source, IObjectStore destination, ObjectInfo sourceInfo,
        string expected, bool overwrite, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        ObjectInfo stored;
        try
        {
            // Not a verified read: the put hashes these very bytes and refuses them unless they match what the source records,
            // so hashing them on the way in too would only cost a second SHA-256 of every byte.
            await using var content = await source.OpenReadAsync(request.Key, cancellationToken: cancellationToken);
            stored = await destination.PutAsync(request.Key, content, new PutOptions
            {
                Overwrite = overwrite,
                ExpectedSha256 = expected,
                ContentType = sourceInfo.ContentType,
                Metadata = sourceInfo.Metadata,
            }, cancellationToken);
        }
        catch (ObjectIntegrityException exception)
        {
            // The bytes read from the source did not hash to what it records, which is what the copy must have.
            throw new ReplicationFailure(ReplicationFailureKind.SourceCorrupt,
                $"'{request.Key}' in store '{source.Name}' is corrupt: its bytes hash to {exception.ActualSha256}, not {expected}.", exception);
        }
        catch (ObjectAlreadyExistsException)
        {
            // Another worker of this cloud copied it meanwhile; whether that is the same object decides.
            return await ExistingAsync(destination, request.Key, expected, replaceDifferent: false, cancellationToken)
                ?? throw new ReplicationFailure(ReplicationFailureKind.Error, $"'{request.Key}' appeared in '{destination.Name}' and vanished again; retry.");
        }
        catch (ObjectNotFoundException exception)
        {
            throw new ReplicationFailure(ReplicationFailureKind.SourceMissing, $"'{request.Key}' vanished from store '{source.Name}' during the copy.", exception);
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        metrics.Copied(source.Cloud, destination.Cloud, stored.Size, clock.GetUtcNow() - request.OccurredAt);
        logger.LogInformation("Replicated {Key} from {Source} to {Destination}: {Size} bytes in {ElapsedMs} ms",
            request.Key, source.Name, destination.Name, stored.Size, (long)elapsed.TotalMilliseconds);
        return new ReplicationResult(destination.Name, request.Key, stored.Size, expected, Copied: true);
    }

    /// <summary>
    /// The verified copy already in <paramref name="destination"/>; null when there is none, or when a different one is there
    /// to be replaced; a conflict when a different object holds the key and may not be replaced.
    /// </summary>
    private async Task<ReplicationResult?> ExistingAsync(IObjectStore destination, string key, string expected, bool replaceDifferent, CancellationToken cancellationToken)
    {
        var existing = await destination.GetInfoAsync(key, cancellationToken);
        if (existing is null)
        {
            return null;
        }
        if (replaceDifferent && !string.Equals(existing.Sha256, expected, StringComparison.OrdinalIgnoreCase))
        {
            logger.LogWarning("Replacing {Key} in {Store}: it holds SHA-256 {Actual}, not {Expected}", key, destination.Name, existing.Sha256, expected);
            return null;
        }
        if (!string.Equals(existing.Sha256, expected, StringComparison.OrdinalIgnoreCase))
        {
            throw new ReplicationFailure(ReplicationFailureKind.Conflict,
                $"Store '{destination.Name}' already holds a different object at '{key}' (SHA-256 {existing.Sha256 ?? "unknown"}, expected {expected}); it was left alone.");
        }
        return new ReplicationResult(destination.Name, key, existing.Size, expected, Copied: false);
    }

    private static async Task<ObjectInfo> SourceInfoAsync(IObjectStore source, string key, CancellationToken cancellationToken) =>
        await source.GetInfoAsync(key, cancellationToken)
            ?? throw new ReplicationFailure(ReplicationFailureKind.SourceMissing, $"Store '{source.Name}' has no object at '{key}'.");
}
