using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Platform.Sync.Extensions;
using Platform.Sync.Reconciliation;
using Platform.Sync.Services;

namespace Platform.Sync.Apis;

public sealed record SyncStatus(string Cloud, IReadOnlyList<string> Stores, ReconcileReport? LastReconcile);

/// <summary>
/// The worker's own API. Reading its status is open; reconciling on demand reads every expected replica and may copy
/// gigabytes, so it needs <see cref="SyncOptions.ApiKey"/> in <c>X-Api-Key</c>.
/// </summary>
public static class SyncApi
{
    public static IEndpointRouteBuilder MapSyncApi(this IEndpointRouteBuilder app)
    {
        var sync = app.MapGroup("/api").WithTags("Sync");
        sync.MapGet("/status", Status).WithName("GetSyncStatus").WithSummary("The worker's cloud, its stores and the last reconciliation report");
        sync.MapPost("/reconcile", Reconcile).WithName("Reconcile").WithSummary("Reconcile now and return the report (needs the key in X-Api-Key)")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    private static Ok<SyncStatus> Status(LocalStores local, Reconciler reconciler) =>
        TypedResults.Ok(new SyncStatus(local.Cloud, local.All.Select(store => store.Name).ToList(), reconciler.LastReport));

    private static async Task<Results<Ok<ReconcileReport>, ProblemHttpResult>> Reconcile(HttpRequest request, Reconciler reconciler,
        IOptions<SyncOptions> options, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(options.Value.ApiKey))
        {
            return TypedResults.Problem("Reconciling on demand is off: set Sync:ApiKey to allow it.", statusCode: StatusCodes.Status403Forbidden);
        }
        if (!ApiKeys.Presented(request, options.Value.ApiKey))
        {
            return TypedResults.Problem($"Reconciling on demand needs the worker's key in {ApiKeys.Header}.", statusCode: StatusCodes.Status401Unauthorized);
        }
        return TypedResults.Ok(await reconciler.RunAsync(cancellationToken));
    }
}
