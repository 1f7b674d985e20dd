using Microsoft.EntityFrameworkCore;
using Platform.Registry.Infrastructure;
using Platform.Registry.Model;

namespace Platform.Registry.Services;

public static class RegistryQueries
{
    public static Task<RegisteredModel?> FindModelAsync(this RegistryDbContext db, string name, CancellationToken cancellationToken) =>
        db.Models.AsNoTracking().SingleOrDefaultAsync(model => model.Name == name, cancellationToken);

    /// <summary>The version a reference points at (by number, or through an alias), with its replicas; null when there is none.</summary>
    public static async Task<ModelVersion?> ResolveAsync(this RegistryDbContext db, RegisteredModel model, VersionReference reference, CancellationToken cancellationToken)
    {
        var number = reference.Number ?? await db.Aliases.AsNoTracking()
            .Where(alias => alias.ModelId == model.Id && alias.Name == reference.Alias)
            .Select(alias => (int?)alias.Version)
            .SingleOrDefaultAsync(cancellationToken);
        if (number is null)
        {
            return null;
        }
        return await db.Versions.AsNoTracking().Include(version => version.Replicas)
            .SingleOrDefaultAsync(version => version.ModelId == model.Id && version.Version == number, cancellationToken);
    }
}
