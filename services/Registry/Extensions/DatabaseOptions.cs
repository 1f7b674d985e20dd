namespace Platform.Registry.Extensions;

public enum DatabaseProvider
{
    Sqlite,
    PostgreSQL,
}

/// <summary>The <c>Registry:Database</c> section. The connection string itself is <c>ConnectionStrings:registrydb</c>, as Aspire supplies it; without one, SQLite uses <c>data/registry.db</c> under the content root.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Registry:Database";

    public const string ConnectionStringName = "registrydb";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
}
