using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

public static class MessagingExtensions
{
    /// <summary>The connection string name of the broker, as the AppHost's RabbitMQ resource supplies it.</summary>
    public const string BrokerConnectionName = "rabbitmq";

    /// <summary>
    /// MassTransit over RabbitMQ when <c>ConnectionStrings:rabbitmq</c> is set, else in-memory (a service run alone still
    /// starts; its events just reach no other service). <paramref name="configure"/> adds the service's consumers; their
    /// endpoints are configured by convention.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformBus(this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator> configure)
    {
        var broker = builder.Configuration.GetConnectionString(BrokerConnectionName);
        builder.Services.AddMassTransit(bus =>
        {
            configure(bus);
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
        return builder;
    }
}
