using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.Registry.Consumers;
using Platform.Registry.Outbox;

namespace Platform.Registry.Extensions;

public static class MessagingExtensions
{
    /// <summary>
    /// MassTransit (over RabbitMQ, or in-memory when the registry runs alone), plus the project's own outbox.
    /// </summary>
    public static void AddRegistryMessaging(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformBus(bus =>
        {
            // The prefix keeps the registry's queues apart from other services that consume the same events.
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter("registry", false));
            bus.AddConsumer<ArtifactReplicatedConsumer, ArtifactReplicatedConsumerDefinition>();
            // A broker outage must not take the registry out of service: the outbox holds events until the broker is back.
            bus.ConfigureHealthCheckOptions(health => health.MinimalFailureStatus = HealthStatus.Degraded);
        });

        builder.Services.AddValidatedOptions<OutboxOptions, OutboxOptionsAnnotationsValidator>(OutboxOptions.SectionName);
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddHostedService<OutboxDispatcher>();
    }
}
