using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.Registry.Auth;
using Platform.Registry.Infrastructure;
using Platform.Registry.Model;
using Platform.Registry.Services;
using Platform.Storage.Configuration;

namespace Platform.Registry.Apis;

public static class ModelsApi
{
    public const int MaxPageSize = 200;

    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/api/models").WithTags("Models").ProducesCommonProblems();

        models.MapPost("/", CreateModel).RequireAuthorization(AuthExtensions.WritePolicy)
            .WithName("CreateModel").WithSummary("Create a model").ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        models.MapGet("/", ListModels).RequireAuthorization(AuthExtensions.ReadPolicy)
            .WithName("ListModels").WithSummary("List models, paged, filtered by name prefix and tag");
        models.MapGet("/{name}", GetModel).RequireAuthorization(AuthExtensions.ReadPolicy)
            .WithName("GetModel").WithSummary("Get a model");
        models.MapPatch("/{name}", UpdateModel).RequireAuthorization(AuthExtensions.WritePolicy)
            .WithName("UpdateModel").WithSummary("Update a model's description and tags").ProducesValidationProblem();
        models.MapDelete("/{name}", ArchiveModel).RequireAuthorization(AuthExtensions.WritePolicy)
            .WithName("ArchiveModel").WithSummary("Archive a model (a soft delete: it stays readable, takes no new versions or aliases)");
        models.MapGet("/{name}/replication-policy", GetPolicy).RequireAuthorization(AuthExtensions.ReadPolicy)
            .WithName("GetReplicationPolicy").WithSummary("Get which stores must hold the model's versions");
        models.MapPut("/{name}/replication-policy", SetPolicy).RequireAuthorization(AuthExtensions.WritePolicy)
            .WithName("SetReplicationPolicy").WithSummary("Set which stores or clouds must hold the model's versions");
        return app;
    }

    private static async Task<Results<Created<ModelResponse>, ValidationProblem, ProblemHttpResult>> CreateModel(
        CreateModelRequest request, RegistryDbContext db, ObjectStores stores, TimeProvider clock, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var problems = RequestValidation.ModelProblems(request.Description, request.Tags);
        if (Names.ModelNameProblem(request.Name) is { } nameProblem)
        {
            problems["name"] = [nameProblem];
        }
        var policyProblems = ReplicationPolicy.Problems(request.Replication?.Stores ?? [], request.Replication?.Clouds ?? [], stores).ToArray();
        if (policyProblems.Length > 0)
        {
            problems["replication"] = policyProblems;
        }
        if (problems.Count > 0)
        {
            return TypedResults.ValidationProblem(problems);
        }
        if (await db.Models.AnyAsync(model => model.Name == request.Name, cancellationToken))
        {
            return Problems.Conflict($"Model '{request.Name}' already exists.");
        }
        var now = clock.GetUtcNow();
        var created = new RegisteredModel
        {
            Name = request.Name,
            Description = request.Description,
            Tags = request.Tags?.Distinct(StringComparer.Ordinal).ToList() ?? [],
            PolicyStores = request.Replication?.Stores?.ToList() ?? [],
            PolicyClouds = request.Replication?.Clouds?.ToList() ?? [],
            CreatedBy = user.Actor(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Models.Add(created);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            // Lost a race with another create of the same name: the unique index decided.
            return Problems.Conflict($"Model '{request.Name}' already exists.");
        }
        return TypedResults.Created($"/api/models/{created.Name}", ModelResponse.From(created, stores));
    }

    private static async Task<Ok<PagedResult<ModelResponse>>> ListModels(
        RegistryDbContext db, ObjectStores stores, CancellationToken cancellationToken,
        string? prefix = null, string? tag = null, bool includeArchived = false, int pageIndex = 0, int pageSize = 20)
    {
        pageIndex = Math.Max(pageIndex, 0);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var query = db.Models.AsNoTracking();
        if (!includeArchived)
        {
            query = query.Where(model => !model.Archived);
        }
        if (!string.IsNullOrEmpty(prefix))
        {
            query = query.Where(model => model.Name.StartsWith(prefix));
        }
        if (!string.IsNullOrEmpty(tag))
        {
            query = query.Where(model => model.Tags.Contains(tag));
        }
        var count = await query.CountAsync(cancellationToken);
        var page = await query.OrderBy(model => model.Name).Skip(pageIndex * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<ModelResponse>(pageIndex, pageSize, count, page.Select(model => ModelResponse.From(model, stores)).ToList()));
    }

    private static async Task<Results<Ok<ModelResponse>, ProblemHttpResult>> GetModel(
        string name, RegistryDbContext db, ObjectStores stores, CancellationToken cancellationToken) =>
        await db.FindModelAsync(name, cancellationToken) is { } model
            ? TypedResults.Ok(ModelResponse.From(model, stores))
            : Problems.NotFound($"There is no model '{name}'.");

    private static async Task<Results<Ok<ModelResponse>, ValidationProblem, ProblemHttpResult>> UpdateModel(
        string name, UpdateModelRequest request, RegistryDbContext db, ObjectStores stores, TimeProvider clock, CancellationToken cancellationToken)
    {
        var problems = RequestValidation.ModelProblems(request.Description, request.Tags);
        if (problems.Count > 0)
        {
            return TypedResults.ValidationProblem(problems);
        }
        var model = await db.Models.SingleOrDefaultAsync(m => m.Name == name, cancellationToken);
        if (model is null)
        {
            return Problems.NotFound($"There is no model '{name}'.");
        }
        if (request.Description is not null)
        {
            model.Description = request.Description;
        }
        if (request.Tags is not null)
        {
            model.Tags = request.Tags.Distinct(StringComparer.Ordinal).ToList();
        }
        model.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(ModelResponse.From(model, stores));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ArchiveModel(
        string name, RegistryDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var archived = await db.Models.Where(model => model.Name == name)
            .ExecuteUpdateAsync(setters => setters.SetProperty(model => model.Archived, true).SetProperty(model => model.UpdatedAt, now), cancellationToken);
        return archived == 0 ? Problems.NotFound($"There is no model '{name}'.") : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<ReplicationPolicyResponse>, ProblemHttpResult>> GetPolicy(
        string name, RegistryDbContext db, ObjectStores stores, CancellationToken cancellationToken) =>
        await db.FindModelAsync(name, cancellationToken) is { } model
            ? TypedResults.Ok(ReplicationPolicyResponse.From(model, stores))
            : Problems.NotFound($"There is no model '{name}'.");

    private static async Task<Results<Ok<ReplicationPolicyResponse>, ValidationProblem, ProblemHttpResult>> SetPolicy(
        string name, ReplicationPolicyRequest request, RegistryDbContext db, ObjectStores stores, TimeProvider clock, CancellationToken cancellationToken)
    {
        var problems = ReplicationPolicy.Problems(request.Stores ?? [], request.Clouds ?? [], stores).ToArray();
        if (problems.Length > 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["replication"] = problems });
        }
        var model = await db.Models.SingleOrDefaultAsync(m => m.Name == name, cancellationToken);
        if (model is null)
        {
            return Problems.NotFound($"There is no model '{name}'.");
        }
        model.PolicyStores = request.Stores?.ToList() ?? [];
        model.PolicyClouds = request.Clouds?.ToList() ?? [];
        model.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(ReplicationPolicyResponse.From(model, stores));
    }
}
