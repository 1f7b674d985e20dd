using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.Registry.Auth;
using Platform.Registry.Infrastructure;
using Platform.Registry.Model;
using Platform.Registry.Services;
using Platform.Storage.Configuration;

namespace Platform.Registry.Apis;

/// <summary>One READY version as the sync workers' reconciler needs it: where it must be, and where it is recorded.</summary>
public sealed record ExpectedReplicas(
    long Id, string Model, int Version, string Key, string Sha256, long Size, string Store, IReadOnlyList<string> TargetStores, IReadOnlyList<string> Replicas);

public sealed record ExpectedReplicasPage(IReadOnlyList<ExpectedReplicas> Items, long? NextAfterId);

public static class ReplicationApi
{
    public const int MaxPageSize = 1000;

    public static IEndpointRouteBuilder MapReplicationApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/replication").WithTags("Replication").ProducesCommonProblems()
            .MapGet("/versions", ListExpected).RequireAuthorization(AuthExtensions.ReadPolicy)
            .WithName("ListExpectedReplicas")
            .WithSummary("Every READY version with the stores its policy names and the stores recorded as holding it (keyset-paged by id)");
        return app;
    }

    private static async Task<Ok<ExpectedReplicasPage>> ListExpected(
        RegistryDbContext db, ObjectStores stores, CancellationToken cancellationToken, long afterId = 0, int limit = 500)
    {
        limit = Math.Clamp(limit, 1, MaxPageSize);
        var page = await db.Versions.AsNoTracking().Include(version => version.Model).Include(version => version.Replicas)
            .Where(version => version.Status == VersionStatus.Ready && version.Id > afterId)
            .OrderBy(version => version.Id).Take(limit).ToListAsync(cancellationToken);
        var items = page.Select(version => new ExpectedReplicas(
            version.Id, version.Model.Name, version.Version, version.Key, version.Sha256!, version.Size ?? 0, version.Store,
            ReplicationPolicy.ResolveStores(version.Model, stores),
            version.Replicas.Select(replica => replica.Store).Order(StringComparer.Ordinal).ToList())).ToList();
        return TypedResults.Ok(new ExpectedReplicasPage(items, items.Count == limit ? items[^1].Id : null));
    }
}
