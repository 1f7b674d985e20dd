using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Sync.Reconciliation;
using Platform.Sync.Services;

namespace Platform.Sync.Apis;

public sealed record SyncStatus(string Cloud, IReadOnlyList<string> Stores, ReconcileReport? LastReconcile);

public static class SyncApi
{
    public static IEndpointRouteBuilder MapSyncApi(this IEndpointRouteBuilder app)
    {
        var sync = app.MapGroup("/api").WithTags("Sync");
        sync.MapGet("/status", Status).WithName("GetSyncStatus").WithSummary("The worker's cloud, its stores and the last reconciliation report");
        sync.MapPost("/reconcile", Reconcile).WithName("Reconcile").WithSummary("Reconcile now and return the report");
        return app;
    }

    private static Ok<SyncStatus> Status(LocalStores local, Reconciler reconciler) =>
        TypedResults.Ok(new SyncStatus(local.Cloud, local.All.Select(store => store.Name).ToList(), reconciler.LastReport));

    private static async Task<Ok<ReconcileReport>> Reconcile(Reconciler reconciler, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reconciler.RunAsync(cancellationToken));
}
