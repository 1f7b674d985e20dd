using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Starts the bus once the broker accepts an AMQP connection, instead of at once (MassTransit's own hosted service). A bus
/// started before its broker retries 3 to 30 s apart (MassTransit's receive transport policy), so a service started beside a
/// broker that was still booting connected up to half a minute after the broker was up, and every event published meanwhile
/// missed that service's queues: a sync worker's <c>ArtifactReplicated</c> was lost when the registry's queue did not exist yet.
/// Here the service asks the broker every <see cref="PollInterval"/>, so its bus connects within that of the broker coming up.
/// Once started, a lost connection is MassTransit's to recover, as before.
/// </summary>
public sealed class BrokerGate(IBusControl bus, Uri broker, ILogger<BrokerGate> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private BusHandle? _started;

    /// <summary>Replaces MassTransit's hosted service with this one; call after <c>AddMassTransit</c>.</summary>
    public static void Register(IServiceCollection services, Uri broker)
    {
        services.RemoveMassTransitHostedService();
        services.AddHostedService(provider => new BrokerGate(provider.GetRequiredService<IBusControl>(), broker, provider.GetRequiredService<ILogger<BrokerGate>>()));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var waited = Stopwatch.StartNew();
        var factory = new ConnectionFactory { Uri = broker, ClientProvidedName = "broker-gate", RequestedConnectionTimeout = TimeSpan.FromSeconds(5) };
        string? reported = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await factory.CreateConnectionAsync(stoppingToken);
                break;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // Once per reason, not per attempt: a broker still booting refuses connections for seconds, while refused
                // credentials are a misconfiguration that asking again will not fix.
                var cause = exception.GetBaseException();
                var reason = cause.Message;
                if (reason != reported)
                {
                    logger.Log(cause is AuthenticationFailureException ? LogLevel.Error : LogLevel.Information,
                        "Waiting for the broker at {Host}:{Port} before starting the bus: {Reason}", broker.Host, broker.Port, reason);
                    reported = reason;
                }
            }
            await Task.Delay(PollInterval, stoppingToken);
        }
        if (reported is not null)
        {
            logger.LogInformation("The broker answered after {Seconds:F1} s; starting the bus", waited.Elapsed.TotalSeconds);
        }
        _started = await bus.StartAsync(stoppingToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_started is not null)
        {
            await _started.StopAsync(cancellationToken);
        }
    }
}
