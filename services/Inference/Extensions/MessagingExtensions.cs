using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.Inference.Consumers;

namespace Platform.Inference.Extensions;

public static class MessagingExtensions
{
    /// <summary>The connection string name of the broker, as the AppHost's RabbitMQ resource supplies it.</summary>
    public const string BrokerConnectionName = "rabbitmq";

    /// <summary>
    /// MassTransit over RabbitMQ, only to hear <c>ModelAliasChanged</c>. Without a broker there is no bus: the periodic refresh
    /// alone keeps aliases current. A broker outage only slows alias moves down to that refresh, so it never makes the server unready.
    /// </summary>
    public static void AddInferenceMessaging(this IHostApplicationBuilder builder)
    {
        var broker = builder.Configuration.GetConnectionString(BrokerConnectionName);
        if (string.IsNullOrWhiteSpace(broker))
        {
            return;
        }
        builder.Services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            bus.AddConsumer<ModelAliasChangedConsumer, ModelAliasChangedConsumerDefinition>();
            bus.AddReceiveEndpointObserver<AliasQueueReadyObserver>();
            bus.ConfigureHealthCheckOptions(health => health.MinimalFailureStatus = HealthStatus.Degraded);
            bus.UsingRabbitMq((context, transport) =>
            {
                transport.Host(new Uri(broker));
                transport.ConfigureEndpoints(context);
            });
        });
        BrokerGate.Register(builder.Services, new Uri(broker));
    }
}
