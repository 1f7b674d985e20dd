namespace Platform.Registry.Extensions;

public enum DatabaseProvider
{
    Sqlite,
    PostgreSQL,
}

/// <summary>The <c>Registry:Database</c> section. The connection string itself is <c>ConnectionStrings:registrydb</c>, as Aspire supplies it.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Registry:Database";

    public const string ConnectionStringName = "registrydb";

    /// <summary>The embedded default, used when no connection string is configured: a SQLite file beside the service.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=registry.db";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
}
