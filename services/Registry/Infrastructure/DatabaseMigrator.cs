using Microsoft.EntityFrameworkCore;

namespace Platform.Registry.Infrastructure;

/// <summary>Brings the database schema up to date at start. A hosted service, so the host serves no request before it is done.</summary>
public sealed class DatabaseMigrator(IServiceScopeFactory scopes, ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        // Asking for pending migrations first would query a history table that a new database lacks, and log that as a failure.
        await db.Database.MigrateAsync(cancellationToken);
        var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList();
        if (db.Database.IsSqlite())
        {
            // Write-ahead logging lets readers go on while an upload's transaction writes; the setting persists in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
        logger.LogInformation("Registry database ({Provider}) is up to date at migration {Migration}", db.Database.ProviderName, applied.LastOrDefault());
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
