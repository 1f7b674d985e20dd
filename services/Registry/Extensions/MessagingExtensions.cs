using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.Registry.Consumers;
using Platform.Registry.Outbox;

namespace Platform.Registry.Extensions;

public static class MessagingExtensions
{
    /// <summary>The connection string name of the broker, as the AppHost's RabbitMQ resource supplies it.</summary>
    public const string BrokerConnectionName = "rabbitmq";

    /// <summary>
    /// MassTransit over RabbitMQ, plus the project's own outbox. Without a broker connection string the bus is in-memory:
    /// the registry still runs alone (<c>dotnet run</c>), its events simply reach no other service.
    /// </summary>
    public static void AddRegistryMessaging(this IHostApplicationBuilder builder)
    {
        var broker = builder.Configuration.GetConnectionString(BrokerConnectionName);
        builder.Services.AddMassTransit(bus =>
        {
            // The prefix keeps the registry's queues apart from other services that consume the same events.
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter("registry", false));
            bus.AddConsumer<ArtifactReplicatedConsumer, ArtifactReplicatedConsumerDefinition>();
            // A broker outage must not take the registry out of service: the outbox holds events until the broker is back.
            bus.ConfigureHealthCheckOptions(health => health.MinimalFailureStatus = HealthStatus.Degraded);
            if (string.IsNullOrWhiteSpace(broker))
            {
                bus.UsingInMemory((context, transport) => transport.ConfigureEndpoints(context));
            }
            else
            {
                bus.UsingRabbitMq((context, transport) =>
                {
                    transport.Host(new Uri(broker));
                    transport.ConfigureEndpoints(context);
                });
            }
        });

        builder.Services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddHostedService<OutboxDispatcher>();
    }
}
