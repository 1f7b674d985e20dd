using System.Collections.Concurrent;
using MassTransit;

namespace Platform.Testing;

/// <summary>
/// A separate MassTransit bus on a real RabbitMQ, standing in for the other services: it records the messages it is told to
/// observe and publishes what another service would. Its queue is durable, so messages published while it reconnects wait.
/// </summary>
public sealed class BusObserver : IAsyncDisposable
{
    private readonly ConcurrentQueue<object> _received = new();
    private IBusControl _bus = null!;

    public IPublishEndpoint Publisher => _bus;

    /// <summary>Starts the bus; <paramref name="observe"/> registers a handler per message type, e.g. <c>(e, o) =&gt; e.Handler&lt;T&gt;(o.Record)</c>.</summary>
    public static async Task<BusObserver> StartAsync(string connectionString, string queue, Action<IReceiveEndpointConfigurator, BusObserver> observe)
    {
        var observer = new BusObserver();
        observer._bus = Bus.Factory.CreateUsingRabbitMq(transport =>
        {
            transport.Host(new Uri(connectionString));
            transport.ReceiveEndpoint(queue, endpoint => observe(endpoint, observer));
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await observer._bus.StartAsync(timeout.Token);
        return observer;
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
                throw new TimeoutException($"No matching {typeof(T).Name} arrived within {timeout.TotalSeconds:0} s; received {_received.Count} messages: {string.Join(", ", _received.Take(20))}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _bus.StopAsync(timeout.Token);
    }
}
