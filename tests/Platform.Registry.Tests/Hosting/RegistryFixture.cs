using Microsoft.Extensions.Logging;
using Platform.Registry.Extensions;
using Platform.Testing;

namespace Platform.Registry.Tests.Hosting;

/// <summary>
/// One registry per test class, on a real database (a subclass provides it) and two FileSystem stores in temp folders:
/// <c>home</c> (the registry's, cloud "local") and <c>remote</c> (cloud "aws"), so replica choice has something to choose from.
/// It runs as Production, where reads need credentials too, unless a subclass says otherwise.
/// </summary>
public abstract class RegistryFixture : IAsyncLifetime
{
    public const string WriterKey = "writer-key-for-registry-tests";
    public const string ReaderKey = "reader-key-for-registry-tests";
    public const string JwtSigningKey = "jwt-signing-key-for-registry-tests-0123456789";

    /// <summary>Small, so the 413 tests need only a small body; the test model is a few KB.</summary>
    public const long MaxArtifactBytes = 256 * 1024;

    /// <summary>Few, so that a row the outbox cannot decode is set aside within a couple of seconds.</summary>
    public const int OutboxMaxAttempts = 2;

    private readonly string _storage = Directory.CreateTempSubdirectory("platform-registry-stores-").FullName;

    public InProcessServer Server { get; private set; } = null!;

    public HttpClient Writer { get; private set; } = null!;

    public HttpClient Reader { get; private set; } = null!;

    public HttpClient Anonymous { get; private set; } = null!;

    public string HomeStorePath => StorePath("home");

    /// <summary>The folder of a FileSystem store named <paramref name="store"/>; subclasses configure more stores there.</summary>
    public string StorePath(string store) => Path.Combine(_storage, store);

    protected virtual string Environment => "Production";

    protected abstract DatabaseProvider Provider { get; }

    /// <summary>Starts the database and returns its connection string.</summary>
    protected abstract Task<string> StartDatabaseAsync();

    protected virtual IEnumerable<KeyValuePair<string, string?>> MoreSettings() => [];

    protected virtual void ConfigureLogging(ILoggingBuilder logging)
    {
    }

    private string _connectionString = "";

    public virtual async ValueTask InitializeAsync()
    {
        _connectionString = await StartDatabaseAsync();
        await StartServerAsync();
    }

    private Dictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["Registry:HomeStore"] = "home",
        ["Registry:MaxArtifactBytes"] = MaxArtifactBytes.ToString(),
        ["Registry:Database:Provider"] = Provider.ToString(),
        ["ConnectionStrings:registrydb"] = _connectionString,
        ["Storage:Stores:home:Provider"] = "FileSystem",
        ["Storage:Stores:home:Path"] = HomeStorePath,
        ["Storage:Stores:home:Cloud"] = "local",
        ["Storage:Stores:home:CreateIfMissing"] = "true",
        ["Storage:Stores:remote:Provider"] = "FileSystem",
        ["Storage:Stores:remote:Path"] = StorePath("remote"),
        ["Storage:Stores:remote:Cloud"] = "aws",
        ["Storage:Stores:remote:CreateIfMissing"] = "true",
        ["Registry:Auth:ApiKeys:ci:Key"] = WriterKey,
        ["Registry:Auth:ApiKeys:dashboard:Key"] = ReaderKey,
        ["Registry:Auth:ApiKeys:dashboard:Access"] = "Read",
        ["Registry:Auth:Jwt:SigningKey"] = JwtSigningKey,
        ["Registry:Outbox:PollInterval"] = "00:00:00.500",
        ["Registry:Outbox:RetryDelay"] = "00:00:00.500",
        ["Registry:Outbox:MaxRetryDelay"] = "00:00:02",
        ["Registry:Outbox:PublishTimeout"] = "00:00:03",
        ["Registry:Outbox:MaxAttempts"] = OutboxMaxAttempts.ToString(),
    }.Concat(MoreSettings()).ToDictionary();

    /// <summary>Starts the registry (again): same database, same stores, new port.</summary>
    public async Task StartServerAsync()
    {
        Server = await RegistryServer.StartAsync(Settings(), Environment, ConfigureLogging);
        Writer = Server.CreateClient(WriterKey);
        Reader = Server.CreateClient(ReaderKey);
        Anonymous = Server.CreateClient();
    }

    public async Task StopServerAsync()
    {
        Writer.Dispose();
        Reader.Dispose();
        Anonymous.Dispose();
        await Server.DisposeAsync();
    }

    protected virtual Task StopDatabaseAsync() => Task.CompletedTask;

    public virtual async ValueTask DisposeAsync()
    {
        try
        {
            await StopServerAsync();
        }
        finally
        {
            await StopDatabaseAsync();
            Directory.Delete(_storage, recursive: true);
        }
    }
}
