using System.Collections.Concurrent;
using MassTransit;
using Platform.Contracts.Models;
using Platform.Contracts.Storage;

namespace Platform.Registry.Tests.Events;

/// <summary>
/// A separate MassTransit bus on the same RabbitMQ, standing in for the sync workers and the gateway: it records every event
/// the registry publishes, and publishes the replica reports a sync worker would.
/// </summary>
public sealed class EventObserver : IAsyncDisposable
{
    private readonly ConcurrentQueue<object> _received = new();
    private readonly IBusControl _bus;

    private EventObserver(IBusControl bus) => _bus = bus;

    public IPublishEndpoint Publisher => _bus;

    public static async Task<EventObserver> StartAsync(string connectionString)
    {
        EventObserver? observer = null;
        var bus = Bus.Factory.CreateUsingRabbitMq(transport =>
        {
            transport.Host(new Uri(connectionString));
            // A durable queue, so events published while this bus is reconnecting wait for it.
            transport.ReceiveEndpoint("registry-tests-observer", endpoint =>
            {
                endpoint.Handler<ModelVersionRegistered>(context => observer!.Record(context.Message));
                endpoint.Handler<ArtifactStored>(context => observer!.Record(context.Message));
                endpoint.Handler<ModelAliasChanged>(context => observer!.Record(context.Message));
            });
        });
        observer = new EventObserver(bus);
        await bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        return observer;
    }

    private Task Record(object message)
    {
        _received.Enqueue(message);
        return Task.CompletedTask;
    }

    /// <summary>The first event of type <typeparamref name="T"/> that matches, waiting for it up to <paramref name="timeout"/>.</summary>
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
                throw new TimeoutException($"No matching {typeof(T).Name} arrived within {timeout.TotalSeconds:0} s; received: {string.Join(", ", _received)}");
            }
        }
    }

    public async ValueTask DisposeAsync() => await _bus.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
}
