using System.Diagnostics.Metrics;

namespace Platform.Sync.Services;

/// <summary>Reads how many messages wait in the worker's queues (a passive declare per queue) every few seconds, for the queue-depth gauge.</summary>
public sealed class QueueDepthProbe(BrokerConnection broker, ILogger<QueueDepthProbe> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private volatile IReadOnlyList<Measurement<long>> _latest = [];

    /// <summary>The queues to watch; the messaging setup fills it in as it names the endpoints.</summary>
    public List<string> Queues { get; } = [];

    public IEnumerable<Measurement<long>> Observe() => _latest;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!broker.Configured)
        {
            return;
        }
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await using var channel = await broker.OpenChannelAsync(stoppingToken);
                var measurements = new List<Measurement<long>>();
                foreach (var queue in Queues)
                {
                    var depth = await channel.MessageCountAsync(queue, stoppingToken);
                    measurements.Add(new Measurement<long>(depth, new KeyValuePair<string, object?>("queue", queue)));
                }
                _latest = measurements;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // The queue may not be declared yet, or the broker is down; the gauge keeps its last reading.
                logger.LogDebug(exception, "Could not read queue depths");
            }
        }
        while (await timer.NextAsync(stoppingToken));
    }
}
