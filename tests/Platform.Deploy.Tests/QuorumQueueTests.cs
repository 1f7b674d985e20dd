using System.Text.RegularExpressions;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Platform.Deploy.Tests;

/// <summary>A message the probe consumers take; MassTransit needs it in a namespace.</summary>
public sealed record QuorumProbe
{
    public required Guid Id { get; init; }
}

public sealed class DurableProbeConsumer : IConsumer<QuorumProbe>
{
    public Task Consume(ConsumeContext<QuorumProbe> context) => Task.CompletedTask;
}

public sealed class TemporaryProbeConsumer : IConsumer<QuorumProbe>
{
    public Task Consume(ConsumeContext<QuorumProbe> context) => Task.CompletedTask;
}

/// <summary>A per-instance endpoint that goes away with its bus, as inference's ModelAliasChanged endpoint is.</summary>
public sealed class TemporaryProbeConsumerDefinition : ConsumerDefinition<TemporaryProbeConsumer>
{
    public TemporaryProbeConsumerDefinition() => Endpoint(endpoint =>
    {
        endpoint.InstanceId = "instance";
        endpoint.Temporary = true;
    });
}

/// <summary>
/// Messaging:QuorumQueues against a real RabbitMQ node (Debian's 3.10): the bus of ServiceDefaults declares its durable
/// endpoints as quorum queues when the setting is on (the generated ConfigMaps turn it on), classic ones when it is off,
/// and leaves temporary endpoints classic either way. The broker itself says which type a queue has: redeclaring a queue
/// with another x-queue-type fails with the type it holds in the message.
/// </summary>
public sealed partial class QuorumQueueTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task With_quorum_queues_on_durable_endpoints_are_quorum_and_temporary_ones_stay_classic()
    {
        await using var bus = await StartBusAsync("on", quorumQueues: true);

        Assert.Equal("quorum", await QueueTypeAsync("on-durable-probe", durable: true, autoDelete: false));
        // The temporary endpoint's queue is exclusive to the bus's connection: only a classic queue can be (RabbitMQ refuses
        // exclusive or auto-delete quorum queues), and the bus is healthy, so the broker took it as one.
        Assert.Equal("exclusive", await QueueTypeAsync("on-temporary-probe-instance", durable: false, autoDelete: true));
    }

    [Fact]
    public async Task Without_the_setting_durable_endpoints_stay_classic()
    {
        await using var bus = await StartBusAsync("off", quorumQueues: null);

        Assert.Equal("classic", await QueueTypeAsync("off-durable-probe", durable: true, autoDelete: false));
    }

    /// <summary>A host with the platform's bus (ServiceDefaults' AddPlatformBus), a durable and a temporary endpoint, started and healthy.</summary>
    private async Task<RunningBus> StartBusAsync(string prefix, bool? quorumQueues)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{MessagingExtensions.BrokerConnectionName}"] = fixture.Broker.ConnectionString,
            [MessagingExtensions.QuorumQueuesSetting] = quorumQueues?.ToString(),
        });
        builder.AddPlatformBus(bus =>
        {
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(prefix, false));
            bus.AddConsumer<DurableProbeConsumer>();
            bus.AddConsumer<TemporaryProbeConsumer, TemporaryProbeConsumerDefinition>();
        });
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        var health = await host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, Timeout);
        var running = new RunningBus(host);
        if (health != BusHealthStatus.Healthy)
        {
            await running.DisposeAsync();
            Assert.Fail($"The bus did not become healthy within {Timeout} (it is {health}): an endpoint's queue could not be declared.");
        }
        return running;
    }

    /// <summary>
    /// Asks the broker for a queue's type: redeclaring it as a stream (a type it is not) is refused with "inequivalent arg
    /// 'x-queue-type' ... current is 'quorum'" for a quorum queue, and "current is none" for a classic queue declared without one.
    /// A queue exclusive to another connection cannot even be looked at ("exclusive").
    /// </summary>
    private async Task<string> QueueTypeAsync(string queue, bool durable, bool autoDelete)
    {
        var factory = new ConnectionFactory { Uri = new Uri(fixture.Broker.ConnectionString) };
        await using var connection = await factory.CreateConnectionAsync(TestContext.Current.CancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: TestContext.Current.CancellationToken);
        try
        {
            await channel.QueueDeclarePassiveAsync(queue, TestContext.Current.CancellationToken);
        }
        catch (OperationInterruptedException locked) when (locked.ShutdownReason?.ReplyCode == 405)
        {
            return "exclusive";
        }
        var refused = await Assert.ThrowsAsync<OperationInterruptedException>(() => channel.QueueDeclareAsync(
            queue, durable, exclusive: false, autoDelete, new Dictionary<string, object?> { ["x-queue-type"] = "stream" },
            cancellationToken: TestContext.Current.CancellationToken));
        var reason = refused.ShutdownReason?.ReplyText ?? refused.Message;
        var current = CurrentType().Match(reason);
        return current.Success ? current.Groups["type"].Value
            : reason.Contains("current is none", StringComparison.Ordinal) ? "classic"
            : throw new InvalidOperationException($"The broker's answer names no queue type: {reason}");
    }

    [GeneratedRegex(@"x-queue-type.*current is '(?<type>[a-z]+)'")]
    private static partial Regex CurrentType();

    private sealed class RunningBus(IHost host) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            using var timeout = new CancellationTokenSource(Timeout);
            await host.StopAsync(timeout.Token);
            host.Dispose();
        }
    }
}

/// <summary>One private RabbitMQ node for the class.</summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    public LocalRabbitMq Broker { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Broker = await LocalRabbitMq.StartNewAsync();

    public async ValueTask DisposeAsync()
    {
        if (Broker is not null)
        {
            await Broker.DisposeAsync();
        }
    }
}
