using System.Collections.Concurrent;
using System.Diagnostics;
using MassTransit;
using Platform.Contracts.Storage;
using Platform.Testing;

namespace Platform.Sync.Bench;

/// <summary>
/// Stands in for the registry on the bus: publishes <see cref="ArtifactStored"/> and notes the moment (a
/// <see cref="Stopwatch"/> timestamp) each <see cref="ArtifactReplicated"/> arrives, so lags are measured on one clock.
/// </summary>
public sealed class Replications : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Arrival> _arrived = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ArtifactReplicationFailed> _failed = new(StringComparer.Ordinal);
    private BusObserver _bus = null!;

    public readonly record struct Arrival(long Timestamp, ArtifactReplicated Message);

    public static async Task<Replications> StartAsync(LocalRabbitMq broker)
    {
        var replications = new Replications();
        replications._bus = await BusObserver.StartAsync(broker.ConnectionString, "sync-bench-observer", (endpoint, _) =>
        {
            endpoint.Handler<ArtifactReplicated>(context =>
            {
                replications._arrived[context.Message.Key] = new Arrival(Stopwatch.GetTimestamp(), context.Message);
                return Task.CompletedTask;
            });
            endpoint.Handler<ArtifactReplicationFailed>(context =>
            {
                replications._failed[context.Message.Key] = context.Message;
                return Task.CompletedTask;
            });
        });
        return replications;
    }

    /// <summary>Publishes that <paramref name="source"/> was stored in the source store and should be copied to the destination store.</summary>
    public Task PublishStoredAsync(SourceObject source, CancellationToken cancellationToken = default) =>
        _bus.Publisher.Publish(new ArtifactStored
        {
            Store = BenchClouds.SourceStoreName,
            Key = source.Key,
            Size = source.Size,
            Sha256 = source.Sha256,
            TargetStores = [BenchClouds.DestinationStoreName],
            OccurredAt = DateTimeOffset.UtcNow,
        }, cancellationToken);

    /// <summary>Waits until every object was reported replicated, and returns when each report arrived; a reported failure ends the wait.</summary>
    public async Task<IReadOnlyDictionary<string, Arrival>> WaitForAsync(IReadOnlyCollection<SourceObject> objects, TimeSpan timeout, Func<string> diagnostics)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (objects.FirstOrDefault(source => _failed.ContainsKey(source.Key)) is { } failed)
            {
                throw new InvalidOperationException($"The worker could not replicate {failed.Key}: {_failed[failed.Key].Reason}");
            }
            var missing = objects.Count(source => !_arrived.ContainsKey(source.Key));
            if (missing == 0)
            {
                return objects.ToDictionary(source => source.Key, source => _arrived[source.Key], StringComparer.Ordinal);
            }
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"{missing} of {objects.Count} objects were not reported replicated within {timeout.TotalSeconds:0} s.{Environment.NewLine}{diagnostics()}");
            }
            await Task.Delay(10);
        }
    }

    /// <summary>Forgets the arrivals of these objects, so that a later round waits for its own.</summary>
    public void Forget(IEnumerable<SourceObject> objects)
    {
        foreach (var source in objects)
        {
            _arrived.TryRemove(source.Key, out _);
        }
    }

    public ValueTask DisposeAsync() => _bus.DisposeAsync();
}
