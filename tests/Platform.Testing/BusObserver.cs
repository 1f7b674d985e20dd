using System.Collections.Concurrent;
using MassTransit;

namespace Platform.Testing;

/// <summary>
/// A separate MassTransit bus on a real RabbitMQ, standing in for the other services: it records the messages it is told to
/// observe and publishes what another service would. Its queue is durable, so messages published while it reconnects wait.
/// </summary>
public sealed class BusObserver : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<object> _received = new();
    private readonly string _connectionString;
    private readonly string _queue;
    private readonly Action<IReceiveEndpointConfigurator, BusObserver> _observe;
    private IBusControl _bus = null!;

    private BusObserver(string connectionString, string queue, Action<IReceiveEndpointConfigurator, BusObserver> observe)
    {
        _connectionString = connectionString;
        _queue = queue;
        _observe = observe;
    }

    public IPublishEndpoint Publisher => _bus;

    /// <summary>Starts the bus; <paramref name="observe"/> registers a handler per message type, e.g. <c>(e, o) =&gt; e.Handler&lt;T&gt;(o.Record)</c>.</summary>
    public static async Task<BusObserver> StartAsync(string connectionString, string queue, Action<IReceiveEndpointConfigurator, BusObserver> observe)
    {
        var observer = new BusObserver(connectionString, queue, observe);
        await observer.StartBusAsync();
        return observer;
    }

    /// <summary>
    /// Call after the broker was restarted; returns once the observer consumes from its queue again. Left alone, MassTransit
    /// reconnects on its own schedule: a receive endpoint waits from a few seconds up to about 40 s between tries, longer
    /// with each outage (its retry count is never reset), and a try that fails on a broker still busy recovering costs another
    /// wait, so a test could time out while its message sits in the queue. A new bus on the same durable queue tries at once.
    /// </summary>
    public async Task ReconnectAsync()
    {
        using (var timeout = new CancellationTokenSource(StopTimeout))
        {
            await _bus.StopAsync(timeout.Token);
        }
        await StartBusAsync();
    }

    private async Task StartBusAsync()
    {
        _bus = Bus.Factory.CreateUsingRabbitMq(transport =>
        {
            transport.Host(new Uri(_connectionString));
            transport.ReceiveEndpoint(_queue, endpoint => _observe(endpoint, this));
        });
        // StartAsync returns when the receive endpoint is ready: its queue declared, bound and consumed.
        using var timeout = new CancellationTokenSource(StartTimeout);
        await _bus.StartAsync(timeout.Token);
    }

    public Task Record<T>(ConsumeContext<T> context) where T : class
    {
        _received.Enqueue(context.Message);
        return Task.CompletedTask;
    }

    public IReadOnlyList<T> All<T>() => _received.OfType<T>().ToList();

    /// <summary>The first message of type <typeparamref name="T"/> that matches, waiting for it up to <paramref name="timeout"/>.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool> match, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            if (_received.OfType<T>().FirstOrDefault(match) is { } found)
            {
                return found;
            }
            try
            {
                await Task.Delay(100, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                // The bus's health tells a message that never came from an observer that was not consuming.
                var health = _bus.CheckHealth();
                throw new TimeoutException($"No matching {typeof(T).Name} arrived within {timeout.TotalSeconds:0} s; the observer's bus is " +
                    $"{health.Status} ({health.Description}); received {_received.Count} messages: {string.Join(", ", _received.Take(20))}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(StopTimeout);
        await _bus.StopAsync(timeout.Token);
    }
}
