using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;

namespace Platform.AppHost.Infrastructure;

public static class RabbitMqResources
{
    private const string InstallCommand = "sudo apt-get install -y rabbitmq-server";
    private const string EpmdEndpoint = "epmd";

    /// <summary>RabbitMQ: ConnectionStrings:{name} if configured, else a container, else Debian's rabbitmq-server as an executable.</summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddRabbitMq(this Provisioning provisioning, string name)
    {
        var builder = provisioning.Builder;
        if (provisioning.Publishing || !string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(name)))
        {
            provisioning.Report(name, "external broker (ConnectionStrings:" + name + ")");
            return builder.AddConnectionString(name);
        }

        var user = builder.AddParameter($"{name}-user", "platform");
        var password = builder.AddParameter($"{name}-password", new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true);
        if (provisioning.ContainersAvailable)
        {
            return builder.AddRabbitMQ(name, user, password)
                .WithManagementPlugin()
                .WithEnvironment(Provisioning.ChoiceVariable, provisioning.Report(name, "container (rabbitmq:management)"));
        }
        return provisioning.AddRabbitMqExecutable(name, user.Resource, password.Resource);
    }

    /// <summary>
    /// The service's bus: the broker's connection string and, in a deployment (the RabbitMQ operator's three nodes), its
    /// durable queues as quorum queues, replicated so that losing a node loses no message (ServiceDefaults' Messaging:QuorumQueues).
    /// </summary>
    public static IResourceBuilder<T> WithBus<T>(this IResourceBuilder<T> service, IResourceBuilder<IResourceWithConnectionString> rabbitmq)
        where T : IResourceWithEnvironment
    {
        service.WithReference(rabbitmq);
        return service.ApplicationBuilder.ExecutionContext.IsPublishMode ? service.WithEnvironment("Messaging__QuorumQueues", "true") : service;
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddRabbitMqExecutable(this Provisioning provisioning, string name, ParameterResource user, ParameterResource password)
    {
        // The script under the versioned lib folder runs the broker as the current user; /usr/sbin/rabbitmq-server switches users.
        var server = Directory.Exists("/usr/lib/rabbitmq/lib")
            ? Directory.GetFiles("/usr/lib/rabbitmq/lib", "rabbitmq-server", SearchOption.AllDirectories).FirstOrDefault(path => path.Contains("/sbin/"))
            : null;
        var command = provisioning.Require("rabbitmq-server", server ?? "/usr/lib/rabbitmq/lib/rabbitmq_server-<version>/sbin/rabbitmq-server", InstallCommand) ?? "rabbitmq-server";
        var folder = provisioning.DataFolder(name);
        // One node name per data folder, so that brokers of AppHosts with different data folders never mistake each other.
        var nodeName = $"platform-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(folder)))[..8]}@localhost";

        var epmd = provisioning.AddEpmd($"{name}-epmd");
        var resource = new RabbitMqExecutableResource(name, command, folder, user, password);
        var broker = provisioning.Builder.AddResource(resource)
            .WithEndpoint(scheme: "tcp", name: RabbitMqExecutableResource.EndpointName, env: "RABBITMQ_NODE_PORT")
            // On its own port, not through the orchestrator's proxy (see ProjectLaunch.AddService).
            .WithAnnotation(new ProxySupportAnnotation { ProxyEnabled = false })
            .WithEnvironment("ERL_EPMD_PORT", epmd.GetEndpoint(EpmdEndpoint).Property(EndpointProperty.Port))
            // The broker must register with the epmd above: one it started itself would outlive the AppHost.
            .WithEnvironment("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-start_epmd false")
            .WaitFor(epmd)
            .WithEnvironment("HOME", folder)
            .WithEnvironment("RABBITMQ_NODENAME", nodeName)
            .WithEnvironment("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1")
            .WithEnvironment("RABBITMQ_DIST_PORT", FreeLoopbackPort().ToString())
            .WithEnvironment("RABBITMQ_MNESIA_BASE", Path.Combine(folder, "mnesia"))
            .WithEnvironment("RABBITMQ_LOG_BASE", Path.Combine(folder, "log"))
            .WithEnvironment("RABBITMQ_LOGS", "-")
            .WithEnvironment("RABBITMQ_CONFIG_FILE", Path.Combine(folder, "rabbitmq.conf"))
            .WithEnvironment("RABBITMQ_ENABLED_PLUGINS_FILE", Path.Combine(folder, "enabled_plugins"))
            .WithEnvironment(Provisioning.ChoiceVariable, provisioning.Report(name, $"executable {command} (no connection string, no container runtime)"));

        provisioning.Builder.Eventing.Subscribe<BeforeResourceStartedEvent>(resource, async (_, cancellationToken) =>
            await WriteBrokerConfigurationAsync(folder, user, password, cancellationToken));

        var healthCheck = $"{name}-amqp";
        return broker.WithPromptHealthCheck(healthCheck, new AmqpHealthCheck(resource));
    }

    /// <summary>
    /// The Erlang port mapper on a port of its own, run in the foreground so that it stops with the AppHost (the daemon that
    /// a broker starts by itself stays behind, and the shared default port would tie unrelated brokers together).
    /// </summary>
    private static IResourceBuilder<ExecutableResource> AddEpmd(this Provisioning provisioning, string name)
    {
        var command = provisioning.RequireOnPath("epmd", InstallCommand) ?? "epmd";
        var epmd = provisioning.Builder.AddExecutable(name, command, provisioning.DataFolder(name), "-address", "127.0.0.1")
            .WithEndpoint(scheme: "tcp", name: EpmdEndpoint, env: "ERL_EPMD_PORT", isProxied: false);
        return epmd.WithPromptHealthCheck(name, new ListeningCheck(epmd.GetEndpoint(EpmdEndpoint)));
    }

    /// <summary>
    /// A fresh broker database per start, so the generated password always matches the one the broker was created with
    /// (RabbitMQ applies default_user only when it creates its database). Queues do not outlive the AppHost; events are hints
    /// and reconcilers restore anything they carried.
    /// </summary>
    private static async Task WriteBrokerConfigurationAsync(string folder, ParameterResource user, ParameterResource password, CancellationToken cancellationToken)
    {
        var mnesia = Path.Combine(folder, "mnesia");
        if (Directory.Exists(mnesia))
        {
            Directory.Delete(mnesia, recursive: true);
        }
        await File.WriteAllTextAsync(Path.Combine(folder, "enabled_plugins"), "[].", cancellationToken);
        await File.WriteAllLinesAsync(Path.Combine(folder, "rabbitmq.conf"),
        [
            $"default_user = {await user.GetValueAsync(cancellationToken)}",
            $"default_pass = {await password.GetValueAsync(cancellationToken)}",
            "default_vhost = /",
        ], cancellationToken);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Healthy once epmd accepts a connection.</summary>
    private sealed class ListeningCheck(EndpointReference endpoint) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, endpoint.Port, cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (SocketException exception)
            {
                return HealthCheckResult.Unhealthy("epmd does not listen yet.", exception);
            }
        }
    }

    /// <summary>Healthy once a real AMQP connection opens (the port alone answers before the broker can serve).</summary>
    private sealed class AmqpHealthCheck(RabbitMqExecutableResource resource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var uri = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken);
                var factory = new ConnectionFactory { Uri = new Uri(uri!), RequestedConnectionTimeout = TimeSpan.FromSeconds(3) };
                await using var connection = await factory.CreateConnectionAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy("The broker does not accept AMQP connections yet.", exception);
            }
        }
    }
}

/// <summary>Debian's rabbitmq-server run as an Aspire executable, exposing an AMQP connection string like the container would.</summary>
public sealed class RabbitMqExecutableResource(string name, string command, string workingDirectory, ParameterResource user, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "amqp";

    public EndpointReference Endpoint => new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"amqp://{user}:{password}@{Endpoint.Property(EndpointProperty.Host)}:{Endpoint.Property(EndpointProperty.Port)}/");
}
