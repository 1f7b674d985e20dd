using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Contracts.Models;
using Platform.Contracts.Storage;
using Platform.Registry.Extensions;
using Platform.Registry.Infrastructure;
using Platform.Registry.Model;
using Platform.Registry.Outbox;
using Platform.Storage;
using Platform.Storage.Configuration;

namespace Platform.Registry.Services;

/// <summary>
/// Registers an uploaded artifact as a new version: takes the next number, streams the body to the home store, opens it with
/// ONNX Runtime, and records the outcome with its events in one transaction. Whatever fails after the number was taken ends as
/// a FAILED version with its reason, and no artifact of a failed version stays in the store.
/// </summary>
public sealed class VersionRegistrar(
    RegistryDbContext db,
    ObjectStores stores,
    OnnxInspector inspector,
    OutboxSignal outbox,
    IOptions<RegistryOptions> options,
    TimeProvider clock,
    ILogger<VersionRegistrar> logger)
{
    public static string ArtifactKey(string model, int version) => $"models/{model}/{version}/model.onnx";

    public async Task<ModelVersion> RegisterAsync(RegisteredModel model, Stream body, Lineage lineage, string actor, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var store = stores.Get(settings.HomeStore);
        var version = await AllocateAsync(model, store.Name, lineage, actor, cancellationToken);
        var spoolPath = Path.Combine(settings.ScratchPath ?? Path.GetTempPath(), $"registry-upload-{Guid.NewGuid():n}.onnx");
        try
        {
            var stored = await StoreAsync(store, version, body, spoolPath, settings.MaxArtifactBytes, cancellationToken);
            if (stored is null)
            {
                return version;
            }
            var inspection = inspector.Inspect(spoolPath);
            if (inspection.Signature is null)
            {
                await store.DeleteAsync(version.Key, CancellationToken.None);
                await FailAsync(version, $"Not a model ONNX Runtime can load: {inspection.FailureReason}");
                return version;
            }
            await CompleteAsync(model, version, stored, inspection.Signature, cancellationToken);
            return version;
        }
        finally
        {
            File.Delete(spoolPath);
        }
    }

    /// <summary>Takes the next version number. The increment locks the model's row until commit, so concurrent uploads queue here and never share a number.</summary>
    private async Task<ModelVersion> AllocateAsync(RegisteredModel model, string store, Lineage lineage, string actor, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var updated = await db.Models.Where(m => m.Id == model.Id && !m.Archived)
            .ExecuteUpdateAsync(setters => setters.SetProperty(m => m.LastVersion, m => m.LastVersion + 1), cancellationToken);
        if (updated == 0)
        {
            throw new ModelArchivedException(model.Name);
        }
        var number = await db.Models.Where(m => m.Id == model.Id).Select(m => m.LastVersion).SingleAsync(cancellationToken);
        var version = new ModelVersion
        {
            ModelId = model.Id,
            Version = number,
            Status = VersionStatus.Uploading,
            Store = store,
            Key = ArtifactKey(model.Name, number),
            Lineage = lineage,
            CreatedBy = actor,
            CreatedAt = clock.GetUtcNow(),
        };
        db.Versions.Add(version);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return version;
    }

    /// <summary>Streams the body to the store and the spool file; null when the upload failed (the version is then FAILED).</summary>
    private async Task<ObjectInfo?> StoreAsync(IObjectStore store, ModelVersion version, Stream body, string spoolPath, long maxBytes, CancellationToken cancellationToken)
    {
        await using var spool = new FileStream(spoolPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
        var upload = new SpoolingUploadStream(body, spool, maxBytes);
        try
        {
            return await store.PutAsync(version.Key, upload, new PutOptions { Overwrite = false, ContentType = "application/octet-stream" }, cancellationToken);
        }
        catch (Exception) when (upload.LimitExceeded)
        {
            // A put that failed left nothing under the key (puts are atomic), so there is nothing to delete.
            await FailAsync(version, $"The artifact is larger than the limit of {maxBytes} bytes.");
            throw new ArtifactTooLargeException(maxBytes);
        }
        catch (ObjectAlreadyExistsException)
        {
            // Not ours to delete: something else wrote there (a registry database restored from an older backup, say).
            await FailAsync(version, $"Store '{store.Name}' already holds an object at '{version.Key}'.");
            return null;
        }
        catch (Exception exception)
        {
            await FailAsync(version, $"The upload did not complete: {exception.Message}");
            throw;
        }
    }

    private async Task CompleteAsync(RegisteredModel model, ModelVersion version, ObjectInfo stored, ModelSignature signature, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        version.Status = VersionStatus.Ready;
        version.Size = stored.Size;
        version.Sha256 = stored.Sha256;
        version.Signature = signature;
        version.Replicas.Add(new Replica { Store = version.Store, Key = version.Key, Sha256 = stored.Sha256!, Size = stored.Size, VerifiedAt = now });
        db.Enqueue(new ModelVersionRegistered
        {
            Model = model.Name, Version = version.Version, Status = "READY", Store = version.Store, Key = version.Key,
            Size = stored.Size, Sha256 = stored.Sha256, OccurredAt = now,
        }, now);
        db.Enqueue(new ArtifactStored
        {
            Store = version.Store, Key = version.Key, Size = stored.Size, Sha256 = stored.Sha256!, Model = model.Name, Version = version.Version,
            TargetStores = ReplicationPolicy.ResolveStores(model, stores), OccurredAt = now,
        }, now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The abandoned-upload sweeper failed this version meanwhile (the upload outlasted AbandonedUploadAfter).
            await stores.Get(version.Store).DeleteAsync(version.Key, CancellationToken.None);
            db.ChangeTracker.Clear();
            var settled = await db.Versions.AsNoTracking().SingleAsync(v => v.Id == version.Id, CancellationToken.None);
            (version.Status, version.FailureReason) = (settled.Status, settled.FailureReason);
            return;
        }
        catch
        {
            await stores.Get(version.Store).DeleteAsync(version.Key, CancellationToken.None);
            throw;
        }
        outbox.Notify();
        logger.LogInformation("Registered {Model} version {Version}: {Size} bytes, sha256 {Sha256}", model.Name, version.Version, stored.Size, stored.Sha256);
    }

    /// <summary>Records the failure even when the request was cancelled: the number is spent and must say why.</summary>
    private async Task FailAsync(ModelVersion version, string reason)
    {
        var now = clock.GetUtcNow();
        db.ChangeTracker.Clear();
        db.Versions.Attach(version);
        version.Status = VersionStatus.Failed;
        version.FailureReason = reason;
        var model = await db.Models.AsNoTracking().Where(m => m.Id == version.ModelId).Select(m => m.Name).SingleAsync(CancellationToken.None);
        db.Enqueue(new ModelVersionRegistered { Model = model, Version = version.Version, Status = "FAILED", OccurredAt = now }, now);
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The abandoned-upload sweeper failed it first; it is FAILED either way.
            return;
        }
        outbox.Notify();
        logger.LogWarning("Version {Version} of {Model} failed: {Reason}", version.Version, model, reason);
    }
}

public sealed class ModelArchivedException(string model) : Exception($"Model '{model}' is archived; it takes no new versions or aliases.")
{
    public string Model { get; } = model;
}
