using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Registry.Infrastructure;
using Platform.Registry.Model;
using Platform.Registry.Services;

namespace Platform.Registry.Apis;

/// <summary>Finds the model and version a reference names, or the 404 that says which part is missing.</summary>
internal static class VersionLookup
{
    public static async Task<(RegisteredModel? Model, ModelVersion? Version, ProblemHttpResult? Failure)> FindAsync(
        RegistryDbContext db, string name, VersionReference reference, CancellationToken cancellationToken)
    {
        var model = await db.FindModelAsync(name, cancellationToken);
        if (model is null)
        {
            return (null, null, Problems.NotFound($"There is no model '{name}'."));
        }
        var version = await db.ResolveAsync(model, reference, cancellationToken);
        if (version is null)
        {
            return (model, null, Problems.NotFound(reference.Alias is { } alias
                ? $"Model '{name}' has no alias '{alias}'."
                : $"Model '{name}' has no version {reference.Number}."));
        }
        return (model, version, null);
    }
}
