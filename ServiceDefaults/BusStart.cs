using MassTransit;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Tells when the bus has started: at once in memory, once the broker answers over RabbitMQ (<see cref="BrokerGate"/>).
/// A publish before then waits on MassTransit's own connection retries, seconds apart, so a publisher that can hold its
/// messages (the registry's outbox) waits for this instead.
/// </summary>
public sealed class BusStart : IBusObserver
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task WaitAsync(CancellationToken cancellationToken) => _started.Task.WaitAsync(cancellationToken);

    public Task PostStart(IBus bus, Task<BusReady> busReady)
    {
        _started.TrySetResult();
        return Task.CompletedTask;
    }

    public void PostCreate(IBus bus)
    {
    }

    public void CreateFaulted(Exception exception)
    {
    }

    public Task PreStart(IBus bus) => Task.CompletedTask;

    public Task StartFaulted(IBus bus, Exception exception) => Task.CompletedTask;

    public Task PreStop(IBus bus) => Task.CompletedTask;

    public Task PostStop(IBus bus) => Task.CompletedTask;

    public Task StopFaulted(IBus bus, Exception exception) => Task.CompletedTask;
}
