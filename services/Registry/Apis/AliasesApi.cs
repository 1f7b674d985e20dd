using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using Platform.Contracts.Models;
using Platform.Registry.Auth;
using Platform.Registry.Extensions;
using Platform.Registry.Infrastructure;
using Platform.Registry.Model;
using Platform.Registry.Outbox;
using Platform.Registry.Services;

namespace Platform.Registry.Apis;

/// <summary>
/// Aliases with optimistic concurrency: every alias answer carries an ETag; a PUT or DELETE with If-Match changes the alias
/// only if nobody moved it since (else 412), and If-None-Match: * creates it only if it does not exist yet.
/// </summary>
public static class AliasesApi
{
    public static IEndpointRouteBuilder MapAliasesApi(this IEndpointRouteBuilder app)
    {
        var aliases = app.MapGroup("/api/models/{name}/aliases").WithTags("Aliases").ProducesCommonProblems();

        aliases.MapGet("/", ListAliases).RequireAuthorization(AuthExtensions.ReadPolicy)
            .WithName("ListAliases").WithSummary("List the model's aliases");
        aliases.MapGet("/{alias}", GetAlias).RequireAuthorization(AuthExtensions.ReadPolicy)
            .WithName("GetAlias").WithSummary("Get an alias and its ETag");
        aliases.MapPut("/{alias}", SetAlias).RequireAuthorization(AuthExtensions.WritePolicy)
            .WithName("SetAlias").WithSummary("Create or move an alias (If-Match / If-None-Match honoured)")
            .WithHeaderParameter(HeaderNames.IfMatch, "Move the alias only if its ETag is still this one; else 412.")
            .WithHeaderParameter(HeaderNames.IfNoneMatch, "*: create the alias only if it does not exist yet; else 412.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        aliases.MapDelete("/{alias}", DeleteAlias).RequireAuthorization(AuthExtensions.WritePolicy)
            .WithName("DeleteAlias").WithSummary("Delete an alias (If-Match honoured)")
            .WithHeaderParameter(HeaderNames.IfMatch, "Delete the alias only if its ETag is still this one; else 412.")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        aliases.MapGet("/{alias}/history", GetHistory).RequireAuthorization(AuthExtensions.ReadPolicy)
            .WithName("GetAliasHistory").WithSummary("Who moved the alias, when, and from which version to which");
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<AliasResponse>>, ProblemHttpResult>> ListAliases(
        string name, RegistryDbContext db, CancellationToken cancellationToken)
    {
        var model = await db.FindModelAsync(name, cancellationToken);
        if (model is null)
        {
            return Problems.NotFound($"There is no model '{name}'.");
        }
        var aliases = await db.Aliases.AsNoTracking().Where(alias => alias.ModelId == model.Id).OrderBy(alias => alias.Name).ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<AliasResponse>>(aliases.Select(alias => AliasResponse.From(name, alias)).ToList());
    }

    private static async Task<Results<Ok<AliasResponse>, ProblemHttpResult>> GetAlias(
        string name, string alias, HttpResponse response, RegistryDbContext db, CancellationToken cancellationToken)
    {
        var model = await db.FindModelAsync(name, cancellationToken);
        var found = model is null ? null : await db.Aliases.AsNoTracking().SingleOrDefaultAsync(a => a.ModelId == model.Id && a.Name == alias, cancellationToken);
        if (found is null)
        {
            return Problems.NotFound(model is null ? $"There is no model '{name}'." : $"Model '{name}' has no alias '{alias}'.");
        }
        response.Headers.ETag = AliasETag.Of(found);
        return TypedResults.Ok(AliasResponse.From(name, found));
    }

    private static async Task<Results<Ok<AliasResponse>, Created<AliasResponse>, ValidationProblem, ProblemHttpResult>> SetAlias(
        string name, string alias, SetAliasRequest request, HttpContext context, RegistryDbContext db, TimeProvider clock,
        OutboxSignal outbox, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (Names.AliasNameProblem(alias) is { } problem)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["alias"] = [problem] });
        }
        var model = await db.FindModelAsync(name, cancellationToken);
        if (model is null)
        {
            return Problems.NotFound($"There is no model '{name}'.");
        }
        if (model.Archived)
        {
            return Problems.Conflict($"Model '{name}' is archived; its aliases cannot change.");
        }
        var target = await db.Versions.AsNoTracking().Where(v => v.ModelId == model.Id && v.Version == request.Version)
            .Select(v => (VersionStatus?)v.Status).SingleOrDefaultAsync(cancellationToken);
        if (target is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["version"] = [$"Model '{name}' has no version {request.Version}."] });
        }
        if (target != VersionStatus.Ready)
        {
            return Problems.Conflict($"Version {request.Version} of '{name}' is {target.ToString()!.ToUpperInvariant()}; an alias can only point at a READY version.");
        }

        var current = await db.Aliases.SingleOrDefaultAsync(a => a.ModelId == model.Id && a.Name == alias, cancellationToken);
        if (!AliasETag.PreconditionsHold(context.Request, current))
        {
            return Problems.PreconditionFailed($"Alias '{name}@{alias}' changed since you read it (or does not exist as the precondition assumes); read it again.");
        }
        if (current is not null && current.Version == request.Version)
        {
            context.Response.Headers.ETag = AliasETag.Of(current);
            return TypedResults.Ok(AliasResponse.From(name, current));
        }

        var now = clock.GetUtcNow();
        var previous = current?.Version;
        if (current is null)
        {
            current = new ModelAlias { ModelId = model.Id, Name = alias, UpdatedBy = user.Actor() };
            db.Aliases.Add(current);
        }
        current.Version = request.Version;
        current.Stamp = Guid.NewGuid();
        current.UpdatedBy = user.Actor();
        current.UpdatedAt = now;
        Record(db, model, alias, previous, request.Version, user.Actor(), now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.PreconditionFailed($"Alias '{name}@{alias}' was changed by someone else at the same moment; read it again.");
        }
        catch (DbUpdateException exception) when (previous is null && exception.IsUniqueViolation())
        {
            return Problems.Conflict($"Alias '{name}@{alias}' was created by someone else at the same moment; read it again.");
        }
        outbox.Notify();
        context.Response.Headers.ETag = AliasETag.Of(current);
        var body = AliasResponse.From(name, current);
        return previous is null ? TypedResults.Created($"/api/models/{name}/aliases/{alias}", body) : TypedResults.Ok(body);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAlias(
        string name, string alias, HttpContext context, RegistryDbContext db, TimeProvider clock, OutboxSignal outbox, ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        var model = await db.FindModelAsync(name, cancellationToken);
        var current = model is null ? null : await db.Aliases.SingleOrDefaultAsync(a => a.ModelId == model.Id && a.Name == alias, cancellationToken);
        if (current is null)
        {
            return Problems.NotFound(model is null ? $"There is no model '{name}'." : $"Model '{name}' has no alias '{alias}'.");
        }
        if (!AliasETag.PreconditionsHold(context.Request, current))
        {
            return Problems.PreconditionFailed($"Alias '{name}@{alias}' changed since you read it; read it again.");
        }
        db.Aliases.Remove(current);
        Record(db, model!, alias, current.Version, null, user.Actor(), clock.GetUtcNow());
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.PreconditionFailed($"Alias '{name}@{alias}' was changed by someone else at the same moment; read it again.");
        }
        outbox.Notify();
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<IReadOnlyList<AliasChangeResponse>>, ProblemHttpResult>> GetHistory(
        string name, string alias, RegistryDbContext db, CancellationToken cancellationToken)
    {
        var model = await db.FindModelAsync(name, cancellationToken);
        if (model is null)
        {
            return Problems.NotFound($"There is no model '{name}'.");
        }
        var changes = await db.AliasChanges.AsNoTracking().Where(change => change.ModelId == model.Id && change.Alias == alias)
            .OrderBy(change => change.Id).ToListAsync(cancellationToken);
        return changes.Count == 0
            ? Problems.NotFound($"Model '{name}' has never had an alias '{alias}'.")
            : TypedResults.Ok<IReadOnlyList<AliasChangeResponse>>(changes.Select(AliasChangeResponse.From).ToList());
    }

    /// <summary>The audit row and the event go into the same SaveChanges as the alias itself.</summary>
    private static void Record(RegistryDbContext db, RegisteredModel model, string alias, int? from, int? to, string actor, DateTimeOffset now)
    {
        db.AliasChanges.Add(new AliasChange { ModelId = model.Id, Alias = alias, FromVersion = from, ToVersion = to, ChangedBy = actor, ChangedAt = now });
        db.Enqueue(new ModelAliasChanged { Model = model.Name, Alias = alias, PreviousVersion = from, Version = to, ChangedBy = actor, OccurredAt = now }, now);
    }
}
