using System.Diagnostics;

namespace Platform.Testing;

/// <summary>
/// A private RabbitMQ node run from Debian's rabbitmq-server package (no Docker here): its own ports, data, logs, node name
/// and epmd, so parallel fixtures and a system RabbitMQ never meet. <see cref="StopAsync"/> and <see cref="StartAsync"/> take
/// the broker down and bring it back on the same ports with the same data, for outage tests. Dispose stops everything it started.
/// </summary>
public sealed class LocalRabbitMq : IAsyncDisposable
{
    // A node boots in about 10 s on an idle machine; beside a test assembly's other fixtures on a slow day it took over 60.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(150);

    private readonly string _folder;
    private readonly int _distPort;
    private readonly Dictionary<string, string> _environment;
    private ExternalProcess? _epmd;
    private ExternalProcess? _server;

    private LocalRabbitMq(string folder)
    {
        _folder = folder;
        AmqpPort = FreePort.Next();
        _distPort = FreePort.Next();
        EpmdPort = FreePort.Next();
        var config = Path.Combine(folder, "rabbitmq.conf");
        File.WriteAllText(config, "listeners.tcp.default = 127.0.0.1:" + AmqpPort + "\nloopback_users = none\n");
        var plugins = Path.Combine(folder, "enabled_plugins");
        File.WriteAllText(plugins, "[].");
        Directory.CreateDirectory(Path.Combine(folder, "home"));
        _environment = new Dictionary<string, string>
        {
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(folder, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(folder, "log"),
            ["RABBITMQ_NODENAME"] = $"platform-test-{AmqpPort}@localhost",
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = AmqpPort.ToString(),
            ["RABBITMQ_DIST_PORT"] = _distPort.ToString(),
            ["ERL_EPMD_PORT"] = EpmdPort.ToString(),
            ["RABBITMQ_CONFIG_FILE"] = config,
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = plugins,
            ["RABBITMQ_PID_FILE"] = Path.Combine(folder, "rabbitmq.pid"),
            ["HOME"] = Path.Combine(folder, "home"),
        };
    }

    public int AmqpPort { get; }

    public int EpmdPort { get; }

    /// <summary>The connection string, in the form Aspire hands to services (ConnectionStrings:rabbitmq).</summary>
    public string ConnectionString => $"amqp://guest:guest@127.0.0.1:{AmqpPort}";

    /// <summary>Starts a new node: its own epmd first (so no stray daemon outlives the fixture), then the server.</summary>
    public static async Task<LocalRabbitMq> StartNewAsync()
    {
        var broker = new LocalRabbitMq(Directory.CreateTempSubdirectory("platform-rabbitmq-").FullName);
        try
        {
            broker._epmd = await ExternalProcess.StartAsync("epmd", ["-port", broker.EpmdPort.ToString()], broker.EpmdPort, StartTimeout);
            await broker.StartAsync();
            return broker;
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the server (again), on the same ports and data; returns when the AMQP port answers.</summary>
    public async Task StartAsync()
    {
        if (_server is not null)
        {
            return;
        }
        _server = await ExternalProcess.StartAsync(ServerScript(), [], AmqpPort, StartTimeout, _environment, _folder);
    }

    /// <summary>Kills the server, as an outage would; epmd and the data stay for a restart.</summary>
    public async Task StopAsync()
    {
        if (_server is { } server)
        {
            _server = null;
            await server.DisposeAsync();
        }
    }

    /// <summary>The package's real server script; /usr/sbin/rabbitmq-server is a wrapper that switches to the rabbitmq user.</summary>
    private static string ServerScript()
    {
        const string packageRoot = "/usr/lib/rabbitmq/lib";
        var script = Directory.Exists(packageRoot)
            ? Directory.GetDirectories(packageRoot, "rabbitmq_server-*").Select(folder => Path.Combine(folder, "sbin", "rabbitmq-server")).FirstOrDefault(File.Exists)
            : null;
        return script ?? throw new InvalidOperationException("RabbitMQ is not installed: run `apt-get install -y rabbitmq-server`.");
    }

    /// <summary>How many messages wait in <paramref name="queue"/> (0 when there is no such queue).</summary>
    public async Task<uint> MessageCountAsync(string queue)
    {
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(ConnectionString) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_epmd is not null)
        {
            await _epmd.DisposeAsync();
        }
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A process that is still closing its log files; the temp folder is cleaned by the OS later.
        }
        Debug.WriteLine($"RabbitMQ on port {AmqpPort} stopped");
    }
}
