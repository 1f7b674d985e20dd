using MassTransit;
using MassTransit.RabbitMqTransport.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

public static class MessagingExtensions
{
    /// <summary>The connection string name of the broker, as the AppHost's RabbitMQ resource supplies it.</summary>
    public const string BrokerConnectionName = "rabbitmq";

    /// <summary>Makes the durable receive endpoints quorum queues; off by default (a single local node gains nothing from them).</summary>
    public const string QuorumQueuesSetting = "Messaging:QuorumQueues";

    /// <summary>
    /// MassTransit over RabbitMQ when <c>ConnectionStrings:rabbitmq</c> is set (the bus starts once the broker answers: see
    /// <see cref="BrokerGate"/>), else in-memory (a service run alone still starts; its events just reach no other service).
    /// <paramref name="configure"/> adds the service's consumers; their endpoints are configured by convention.
    /// <see cref="BusStart"/> tells when the bus has started.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformBus(this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator> configure)
    {
        var broker = builder.Configuration.GetConnectionString(BrokerConnectionName);
        builder.Services.AddSingleton<BusStart>();
        builder.Services.AddBusObserver(provider => provider.GetRequiredService<BusStart>());
        builder.Services.AddMassTransit(bus =>
        {
            configure(bus);
            bus.UseConfiguredQueueType(builder.Configuration);
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
        if (!string.IsNullOrWhiteSpace(broker))
        {
            BrokerGate.Register(builder.Services, new Uri(broker));
        }
        return builder;
    }

    /// <summary>
    /// With <c>Messaging:QuorumQueues</c> true, every durable receive endpoint configured by convention is declared as a quorum
    /// queue, replicated over the broker's nodes so that losing one loses no message. Temporary endpoints (exclusive,
    /// auto-delete, not durable) stay classic: a quorum queue can be none of these.
    /// </summary>
    private static IBusRegistrationConfigurator UseConfiguredQueueType(this IBusRegistrationConfigurator bus, IConfiguration configuration)
    {
        if (configuration.GetValue<bool>(QuorumQueuesSetting))
        {
            bus.AddRabbitMqConfigureEndpointsCallback((_, _, endpoint) =>
            {
                if (endpoint is RabbitMqReceiveEndpointConfiguration { Settings: { Durable: true, AutoDelete: false, Exclusive: false } })
                {
                    endpoint.SetQuorumQueue();
                }
            });
        }
        return bus;
    }
}
