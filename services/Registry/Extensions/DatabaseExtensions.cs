using Microsoft.Data.Sqlite;
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
                var sqlite = SqliteConnectionString(connectionString, builder.Environment.ContentRootPath);
                builder.Services.AddDbContext<RegistryDbContext, SqliteRegistryDbContext>(options => options.UseSqlite(sqlite));
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

    /// <summary>The configured SQLite connection string, else the embedded default <c>data/registry.db</c>; either way its folder exists.</summary>
    private static string SqliteConnectionString(string? configured, string contentRoot)
    {
        var connection = new SqliteConnectionStringBuilder(configured ?? $"Data Source={Path.Combine(contentRoot, "data", "registry.db")}");
        if (connection.DataSource is { Length: > 0 } file && file != ":memory:" && Path.GetDirectoryName(Path.GetFullPath(file)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }
        return connection.ToString();
    }
}
