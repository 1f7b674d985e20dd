using Platform.Registry.Tests.Hosting;
using Platform.Testing;

namespace Platform.Registry.Tests.Events;

/// <summary>The SQLite registry, wired to a private RabbitMQ node, with an <see cref="EventObserver"/> on the same broker.</summary>
public sealed class MessagingFixture : SqliteRegistryFixture
{
    public LocalRabbitMq Broker { get; private set; } = null!;

    public EventObserver Observer { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        Broker = await LocalRabbitMq.StartNewAsync();
        await base.InitializeAsync();
        Observer = await EventObserver.StartAsync(Broker.ConnectionString);
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
