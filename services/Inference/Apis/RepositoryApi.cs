using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Platform.Inference.Extensions;
using Platform.Inference.Models;

namespace Platform.Inference.Apis;

/// <summary>
/// Triton's model-repository extension: the index of known models and their state, and explicit load and unload. Load and
/// unload change what the server serves, so they need <see cref="InferenceOptions.RepositoryApiKey"/> in <c>X-Api-Key</c>.
/// A load may name a model not declared in configuration, with the platform's parameter <c>"reference": "name@alias"</c>.
/// </summary>
public static class RepositoryApi
{
    public const string ReferenceParameter = "reference";

    public static IEndpointRouteBuilder MapRepositoryApi(this IEndpointRouteBuilder app)
    {
        var repository = app.MapGroup("/v2/repository").WithTags("Repository");
        repository.MapPost("/index", Index).WithName("RepositoryIndex")
            .WithSummary("Every model the server knows, with its version, state (READY, LOADING, UNAVAILABLE) and the reason for it")
            .Accepts<RepositoryIndexRequest>(true, "application/json");
        repository.MapPost("/models/{name}/load", Load).WithName("RepositoryLoad")
            .WithSummary("Load the model, or load it again (a model following an alias moves to the alias's current version)")
            .Accepts<object>(true, "application/json");
        repository.MapPost("/models/{name}/unload", Unload).WithName("RepositoryUnload")
            .WithSummary("Stop serving the model; requests under way finish first")
            .Accepts<object>(true, "application/json");
        return app;
    }

    private static async Task<Results<Ok<List<RepositoryIndexEntry>>, OipError>> Index(HttpRequest request, ModelRepository repository, CancellationToken cancellationToken)
    {
        var (body, error) = await ReadBodyAsync(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        var readyOnly = body is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("ready", out var ready) && ready.ValueKind == JsonValueKind.True;
        return TypedResults.Ok(repository.All
            .Where(model => !readyOnly || model.State == ModelState.Ready)
            .Select(model => new RepositoryIndexEntry(model.Name, model.Current?.Version, model.State.ToString().ToUpperInvariant(), model.Reason ?? ""))
            .ToList());
    }

    private static async Task<Results<Ok, OipError>> Load(string name, HttpRequest request, ModelRepository repository, IOptions<InferenceOptions> options,
        CancellationToken cancellationToken)
    {
        if (Authorize(request, options.Value) is { } denied)
        {
            return denied;
        }
        var (body, error) = await ReadBodyAsync(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        var referenceText = body is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("parameters", out var parameters)
            && parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty(ReferenceParameter, out var value)
            ? value.ToString()
            : null;
        var served = repository.Find(name);
        if (referenceText is not null)
        {
            if (!ModelReference.IsName(name) || !ModelReference.TryParse(referenceText, out var reference))
            {
                return OipError.BadRequest($"'{referenceText}' is not a registry reference ('name@alias' or 'name/version'), or '{name}' is not a valid model name.");
            }
            served ??= repository.Declare(name, reference);
            if (served.Source is not RegistryModelSource { Reference: var known } || known != reference)
            {
                return OipError.BadRequest($"Model '{name}' is already served from {served.Source.Description}, not from '{reference}'.");
            }
        }
        if (served is null)
        {
            return OipError.NotFound($"Unknown model '{name}': declare it under Inference:Models, or pass parameter \"{ReferenceParameter}\": \"name@alias\".");
        }
        var outcome = await served.LoadAsync(force: true, cancellationToken);
        return outcome.Succeeded ? TypedResults.Ok() : OipError.BadRequest($"Failed to load '{name}': {outcome.Problem}");
    }

    private static async Task<Results<Ok, OipError>> Unload(string name, HttpRequest request, ModelRepository repository, IOptions<InferenceOptions> options,
        CancellationToken cancellationToken)
    {
        if (Authorize(request, options.Value) is { } denied)
        {
            return denied;
        }
        var served = repository.Find(name);
        if (served is null)
        {
            return OipError.NotFound($"Unknown model '{name}'.");
        }
        await served.UnloadAsync(cancellationToken);
        return TypedResults.Ok();
    }

    private static OipError? Authorize(HttpRequest request, InferenceOptions options)
    {
        if (string.IsNullOrEmpty(options.RepositoryApiKey))
        {
            return new OipError(StatusCodes.Status403Forbidden, "Repository control is off: set Inference:RepositoryApiKey to allow load and unload.");
        }
        return ApiKeys.Presented(request, options.RepositoryApiKey)
            ? null
            : new OipError(StatusCodes.Status401Unauthorized, $"Load and unload need the repository key in {ApiKeys.Header}.");
    }

    /// <summary>The optional JSON body of a repository call (at most 64 KiB); null when empty.</summary>
    private static async Task<(JsonElement? Body, OipError? Error)> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            using var body = await RequestBody.ReadAsync(request, 64 * 1024, cancellationToken);
            if (body.Length == 0)
            {
                return (null, null);
            }
            var reader = new Utf8JsonReader(body.Span);
            return (JsonElement.ParseValue(ref reader), null);
        }
        catch (Protocol.ProtocolException exception)
        {
            return (null, new OipError(exception.StatusCode, exception.Message));
        }
        catch (JsonException exception)
        {
            return (null, OipError.BadRequest($"The body is not valid JSON: {exception.Message}"));
        }
    }
}
