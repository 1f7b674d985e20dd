using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Platform.Registry.Auth;
using Platform.Registry.Infrastructure;
using Platform.Registry.Model;
using Platform.Registry.Services;
using Platform.Storage;
using Platform.Storage.Configuration;

namespace Platform.Registry.Apis;

public static class ArtifactsApi
{
    /// <summary>Tells the client which replica served the bytes.</summary>
    public const string ReplicaStoreHeader = "X-Replica-Store";

    public static IEndpointRouteBuilder MapArtifactsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/resolve").WithTags("Versions").ProducesCommonProblems()
            .MapGet("/{**reference}", Resolve).RequireAuthorization(AuthExtensions.ReadPolicy)
            .WithName("ResolveReference").WithSummary("Resolve 'name@alias' or 'name/version' to a version");

        var versions = app.MapGroup("/api/models/{name}/versions/{reference}").WithTags("Replicas").ProducesCommonProblems();
        versions.MapGet("/replicas", ListReplicas).RequireAuthorization(AuthExtensions.ReadPolicy)
            .WithName("ListReplicas").WithSummary("List the stores that hold a verified copy of the version");
        versions.MapGet("/artifact", DownloadArtifact).RequireAuthorization(AuthExtensions.ReadPolicy)
            .WithName("DownloadArtifact")
            .WithSummary("Stream the artifact from a named replica (?store=) or from the nearest one, verifying its SHA-256")
            .Produces<Stream>(StatusCodes.Status200OK, "application/octet-stream")
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<Results<Ok<VersionResponse>, ValidationProblem, ProblemHttpResult>> Resolve(
        string reference, RegistryDbContext db, ObjectStores stores, CancellationToken cancellationToken)
    {
        if (!VersionReference.TryParseFull(reference, out var model, out var parsed, out var problem))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reference"] = [problem] });
        }
        var (_, version, failure) = await VersionLookup.FindAsync(db, model, parsed, cancellationToken);
        return version is null ? failure! : TypedResults.Ok(VersionResponse.From(model, version, stores));
    }

    private static async Task<Results<Ok<IReadOnlyList<ReplicaResponse>>, ValidationProblem, ProblemHttpResult>> ListReplicas(
        string name, string reference, RegistryDbContext db, ObjectStores stores, ReplicaSelector selector, CancellationToken cancellationToken)
    {
        if (!VersionReference.TryParse(reference, out var parsed, out var problem))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reference"] = [problem] });
        }
        var (_, version, failure) = await VersionLookup.FindAsync(db, name, parsed, cancellationToken);
        return version is null
            ? failure!
            : TypedResults.Ok<IReadOnlyList<ReplicaResponse>>(selector.NearestFirst(version.Replicas).Select(replica => ReplicaResponse.From(replica, stores)).ToList());
    }

    private static async Task<Results<FileStreamHttpResult, ValidationProblem, ProblemHttpResult>> DownloadArtifact(
        string name, string reference, HttpResponse response, RegistryDbContext db, ObjectStores stores, ReplicaSelector selector,
        ILogger<ReplicaSelector> logger, CancellationToken cancellationToken, string? store = null)
    {
        if (!VersionReference.TryParse(reference, out var parsed, out var problem))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reference"] = [problem] });
        }
        if (store is not null && !stores.TryGet(store, out _))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["store"] = [$"There is no configured store named '{store}'."] });
        }
        var (_, version, failure) = await VersionLookup.FindAsync(db, name, parsed, cancellationToken);
        if (version is null)
        {
            return failure!;
        }
        if (version.Status != VersionStatus.Ready)
        {
            return Problems.Conflict($"Version {version.Version} of '{name}' is {version.Status.ToString().ToUpperInvariant()}; only READY versions have an artifact.");
        }
        var candidates = selector.NearestFirst(version.Replicas)
            .Where(replica => store is null || string.Equals(replica.Store, store, StringComparison.OrdinalIgnoreCase))
            .ToList();
        foreach (var replica in candidates)
        {
            try
            {
                var content = await stores.Get(replica.Store).OpenReadAsync(replica.Key, new ReadOptions { VerifySha256 = true }, cancellationToken);
                response.ContentLength = content.Info.Size;
                response.Headers[ReplicaStoreHeader] = replica.Store;
                return TypedResults.Stream(content, "application/octet-stream", $"{name}-{version.Version}.onnx",
                    entityTag: new EntityTagHeaderValue($"\"{replica.Sha256}\""));
            }
            catch (ObjectNotFoundException)
            {
                // The record is stale (the copy was deleted behind the registry's back); the reconciler will notice, the next replica serves now.
                logger.LogWarning("Replica of {Model}/{Version} in {Store} is missing", name, version.Version, replica.Store);
            }
        }
        return Problems.NotFound(store is null
            ? $"No reachable replica of '{name}' version {version.Version} holds the artifact."
            : $"Store '{store}' holds no verified replica of '{name}' version {version.Version}.");
    }
}
