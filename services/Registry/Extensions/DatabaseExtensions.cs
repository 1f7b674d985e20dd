using Microsoft.EntityFrameworkCore;
using Platform.Registry.Infrastructure;

namespace Platform.Registry.Extensions;

public static class DatabaseExtensions
{
    /// <summary>
    /// Registers <see cref="RegistryDbContext"/> on the configured provider, each with its own migrations, and applies
    /// pending migrations when the host starts, before anything else touches the database.
    /// </summary>
    public static void AddRegistryDatabase(this IHostApplicationBuilder builder)
    {
        var provider = builder.Configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>()?.Provider ?? DatabaseProvider.Sqlite;
        var connectionString = builder.Configuration.GetConnectionString(DatabaseOptions.ConnectionStringName);
        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                builder.Services.AddDbContext<RegistryDbContext, SqliteRegistryDbContext>(options =>
                    options.UseSqlite(connectionString ?? DatabaseOptions.DefaultSqliteConnectionString));
                break;
            case DatabaseProvider.PostgreSQL:
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new InvalidOperationException(
                        $"{DatabaseOptions.SectionName}:Provider is PostgreSQL but ConnectionStrings:{DatabaseOptions.ConnectionStringName} is not set.");
                }
                builder.Services.AddDbContext<RegistryDbContext, PostgresRegistryDbContext>(options => options.UseNpgsql(connectionString));
                break;
            default:
                throw new InvalidOperationException($"{DatabaseOptions.SectionName}:Provider '{provider}' is not supported (Sqlite or PostgreSQL).");
        }
        builder.Services.AddHostedService<DatabaseMigrator>();
        // Not tagged "live": a database outage makes the registry unready, not dead.
        builder.Services.AddHealthChecks().AddDbContextCheck<RegistryDbContext>("registry-database");
    }
}
