using Platform.Registry.Tests.Hosting;
using MassTransit;
using Platform.Contracts.Models;
using Platform.Contracts.Storage;
using Platform.Testing;

namespace Platform.Registry.Tests.Events;

/// <summary>The SQLite registry, wired to a private RabbitMQ node, with a <see cref="BusObserver"/> on the same broker.</summary>
public sealed class MessagingFixture : SqliteRegistryFixture
{
    public LocalRabbitMq Broker { get; private set; } = null!;

    public BusObserver Observer { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        Broker = await LocalRabbitMq.StartNewAsync();
        await base.InitializeAsync();
        // Stands in for the sync workers and the gateway: records what the registry publishes, publishes replica reports.
        Observer = await BusObserver.StartAsync(Broker.ConnectionString, "registry-tests-observer", (endpoint, observer) =>
        {
            endpoint.Handler<ModelVersionRegistered>(observer.Record);
            endpoint.Handler<ArtifactStored>(observer.Record);
            endpoint.Handler<ModelAliasChanged>(observer.Record);
        });
    }

    /// <summary>Brings the broker back after <see cref="LocalRabbitMq.StopAsync"/> and returns once the observer consumes again.</summary>
    public async Task StartBrokerAsync()
    {
        await Broker.StartAsync();
        await Observer.ReconnectAsync();
    }

    protected override IEnumerable<KeyValuePair<string, string?>> MoreSettings() =>
        [new("ConnectionStrings:rabbitmq", Broker.ConnectionString), new("Registry:Outbox:KeepDispatched", KeepDispatched.ToString())];

    public const int KeepDispatched = 2;

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await Observer.DisposeAsync();
            await base.DisposeAsync();
        }
        finally
        {
            await Broker.DisposeAsync();
        }
    }
}
