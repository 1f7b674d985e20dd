using Npgsql;
using Platform.Registry.Extensions;
using Platform.Testing;

namespace Platform.Registry.Tests.Hosting;

/// <summary>The embedded default: a SQLite file in a temp folder.</summary>
public class SqliteRegistryFixture : RegistryFixture
{
    private readonly string _folder = Directory.CreateTempSubdirectory("platform-registry-sqlite-").FullName;

    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    protected override Task<string> StartDatabaseAsync() => Task.FromResult($"Data Source={Path.Combine(_folder, "registry.db")}");

    protected override Task StopDatabaseAsync()
    {
        // Pooled connections keep the file open; clear them before deleting it.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>Production's database: a private PostgreSQL 15 cluster, one per test class.</summary>
public sealed class PostgresRegistryFixture : RegistryFixture
{
    private LocalPostgres? _postgres;

    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSQL;

    protected override async Task<string> StartDatabaseAsync()
    {
        _postgres = await LocalPostgres.StartNewAsync();
        await CreateDatabaseAsync(_postgres.ConnectionString("postgres"), "registry");
        return _postgres.ConnectionString("registry");
    }

    /// <summary>The port answers a moment before the server accepts sessions ("the database system is starting up"), so retry briefly.</summary>
    private static async Task CreateDatabaseAsync(string adminConnectionString, string database)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(adminConnectionString);
                await connection.OpenAsync(deadline.Token);
                await using var command = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
                await command.ExecuteNonQueryAsync(deadline.Token);
                return;
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.CannotConnectNow && !deadline.IsCancellationRequested)
            {
                await Task.Delay(200, deadline.Token);
            }
        }
    }

    protected override async Task StopDatabaseAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
