using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Registry.Auth;
using Platform.Registry.Extensions;
using Platform.Registry.Infrastructure;
using Platform.Registry.Model;
using Platform.Registry.Services;
using Platform.Storage.Configuration;

namespace Platform.Registry.Apis;

public static class VersionsApi
{
    /// <summary>The optional request header that carries a version's lineage as JSON (params, metrics, tags, source).</summary>
    public const string LineageHeader = "X-Lineage";

    public static readonly string[] ArtifactContentTypes = ["application/octet-stream", "application/onnx", "application/x-onnx"];

    public static IEndpointRouteBuilder MapVersionsApi(this IEndpointRouteBuilder app)
    {
        var versions = app.MapGroup("/api/models/{name}/versions").WithTags("Versions").ProducesCommonProblems();

        versions.MapPost("/", RegisterVersion).RequireAuthorization(AuthExtensions.WritePolicy)
            .Accepts<Stream>(ArtifactContentTypes[0], ArtifactContentTypes[1..])
            .WithName("RegisterVersion")
            .WithSummary("Upload an ONNX artifact as the model's next version (streamed; lineage in the X-Lineage header)")
            .WithHeaderParameter(LineageHeader,
                $"The version's lineage as JSON (params, metrics, tags, source): ASCII, at most {Limits.LineageHeaderBytes} bytes; " +
                "other characters as JSON \\u escapes. Larger lineage goes to PUT .../lineage.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status431RequestHeaderFieldsTooLarge);
        versions.MapGet("/", ListVersions).RequireAuthorization(AuthExtensions.ReadPolicy)
            .WithName("ListVersions").WithSummary("List the model's versions, newest first");
        versions.MapGet("/{reference}", GetVersion).RequireAuthorization(AuthExtensions.ReadPolicy)
            .WithName("GetVersion").WithSummary("Get a version by number or alias (3, @production or production)");
        versions.MapPut("/{reference}/lineage", SetLineage).RequireAuthorization(AuthExtensions.WritePolicy)
            .WithName("SetLineage").WithSummary($"Replace a version's lineage (UTF-8 JSON, at most {Limits.LineageBytes} bytes)");
        return app;
    }

    private static async Task<Results<Created<VersionResponse>, ValidationProblem, ProblemHttpResult>> RegisterVersion(
        string name, HttpContext context, RegistryDbContext db, VersionRegistrar registrar, ObjectStores stores,
        IOptions<RegistryOptions> options, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var maxBytes = options.Value.MaxArtifactBytes;
        if (request.ContentType is null || !ArtifactContentTypes.Any(type => request.ContentType.StartsWith(type, StringComparison.OrdinalIgnoreCase)))
        {
            return Problems.UnsupportedMediaType($"Upload the ONNX file as the raw request body with Content-Type {string.Join(" or ", ArtifactContentTypes)}.");
        }
        if (request.ContentLength > maxBytes)
        {
            return Problems.TooLarge(maxBytes);
        }
        var lineageHeader = request.Headers[LineageHeader].ToString();
        if (lineageHeader.Length > Limits.LineageHeaderBytes)
        {
            return Problems.Problem(StatusCodes.Status431RequestHeaderFieldsTooLarge, "Lineage header too large",
                $"{LineageHeader} carries at most {Limits.LineageHeaderBytes} bytes; upload without it, " +
                $"then PUT the lineage as JSON to /api/models/{name}/versions/{{version}}/lineage.");
        }
        if (!TryReadLineage(lineageHeader, out var lineage, out var lineageProblem))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [LineageHeader] = [lineageProblem] });
        }
        var model = await db.FindModelAsync(name, cancellationToken);
        if (model is null)
        {
            return Problems.NotFound($"There is no model '{name}'.");
        }
        if (model.Archived)
        {
            return Problems.Conflict($"Model '{name}' is archived; it takes no new versions.");
        }
        // Kestrel's default body limit (30 MB) would cut artifacts short; the registrar enforces MaxArtifactBytes while streaming.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = null;
        }

        ModelVersion version;
        try
        {
            version = await registrar.RegisterAsync(model, request.Body, lineage, user.Actor(), cancellationToken);
        }
        catch (ArtifactTooLargeException)
        {
            return Problems.TooLarge(maxBytes);
        }
        catch (ModelArchivedException exception)
        {
            return Problems.Conflict(exception.Message);
        }
        if (version.Status == VersionStatus.Failed)
        {
            return Problems.Problem(StatusCodes.Status400BadRequest, "Artifact refused", version.FailureReason ?? "The artifact was refused.",
                new Dictionary<string, object?> { ["model"] = name, ["version"] = version.Version, ["versionStatus"] = "FAILED" });
        }
        return TypedResults.Created($"/api/models/{name}/versions/{version.Version}", VersionResponse.From(name, version, stores));
    }

    private static bool TryReadLineage(string header, out Lineage lineage, out string problem)
    {
        lineage = new Lineage();
        problem = "";
        if (string.IsNullOrEmpty(header))
        {
            return true;
        }
        try
        {
            lineage = JsonSerializer.Deserialize<Lineage>(header, JsonSerializerOptions.Web) ?? lineage;
            return true;
        }
        catch (JsonException exception)
        {
            problem = $"The lineage header is not valid JSON of the lineage shape: {exception.Message}";
            return false;
        }
    }

    /// <summary>Lineage often arrives after the upload (an evaluation's metrics), or is too large or too far from ASCII for a header.</summary>
    private static async Task<Results<Ok<VersionResponse>, ValidationProblem, ProblemHttpResult>> SetLineage(
        string name, string reference, Lineage lineage, RegistryDbContext db, ObjectStores stores, CancellationToken cancellationToken)
    {
        if (!VersionReference.TryParse(reference, out var parsed, out var problem))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reference"] = [problem] });
        }
        if (RequestValidation.LineageProblem(lineage) is { } lineageProblem)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["lineage"] = [lineageProblem] });
        }
        var (_, version, failure) = await VersionLookup.FindAsync(db, name, parsed, cancellationToken);
        if (version is null)
        {
            return failure!;
        }
        await db.Versions.Where(v => v.Id == version.Id).ExecuteUpdateAsync(setters => setters.SetProperty(v => v.Lineage, lineage), cancellationToken);
        version.Lineage = lineage;
        return TypedResults.Ok(VersionResponse.From(name, version, stores));
    }

    private static async Task<Results<Ok<PagedResult<VersionResponse>>, ProblemHttpResult>> ListVersions(
        string name, RegistryDbContext db, ObjectStores stores, CancellationToken cancellationToken, int pageIndex = 0, int pageSize = 20)
    {
        var model = await db.FindModelAsync(name, cancellationToken);
        if (model is null)
        {
            return Problems.NotFound($"There is no model '{name}'.");
        }
        pageIndex = Math.Max(pageIndex, 0);
        pageSize = Math.Clamp(pageSize, 1, ModelsApi.MaxPageSize);
        var query = db.Versions.AsNoTracking().Where(version => version.ModelId == model.Id);
        var count = await query.CountAsync(cancellationToken);
        var page = await query.Include(version => version.Replicas).OrderByDescending(version => version.Version)
            .Skip(pageIndex * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<VersionResponse>(pageIndex, pageSize, count, page.Select(version => VersionResponse.From(name, version, stores)).ToList()));
    }

    private static async Task<Results<Ok<VersionResponse>, ValidationProblem, ProblemHttpResult>> GetVersion(
        string name, string reference, RegistryDbContext db, ObjectStores stores, CancellationToken cancellationToken)
    {
        if (!VersionReference.TryParse(reference, out var parsed, out var problem))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reference"] = [problem] });
        }
        var (_, version, failure) = await VersionLookup.FindAsync(db, name, parsed, cancellationToken);
        return version is null ? failure! : TypedResults.Ok(VersionResponse.From(name, version, stores));
    }
}
