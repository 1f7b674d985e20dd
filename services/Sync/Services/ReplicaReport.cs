using MassTransit;
using Platform.Contracts.Storage;

namespace Platform.Sync.Services;

/// <summary>
/// Publishes <c>ArtifactReplicated</c>, which only the registry's queue takes (it records the replica). An event that no
/// queue is bound to is dropped by RabbitMQ, and on a broker that is new, the registry's queue exists only once the registry's
/// bus has started: a report published a moment before was lost, leaving a verified copy unrecorded until the next
/// reconcile. So the report is published as mandatory (the broker returns what it cannot route) and, when returned, sent
/// again after 0.25 s, then twice as long each time, <see cref="Attempts"/> times in all (about 8 s); after that
/// <see cref="MessageReturnedException"/> reaches the caller, which tries again later.
/// </summary>
public static class ReplicaReport
{
    public const int Attempts = 6;

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);

    public static async Task PublishAsync(IPublishEndpoint publisher, ArtifactReplicated report, ILogger logger, CancellationToken cancellationToken)
    {
        var retry = FirstRetry;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await publisher.Publish(report, context =>
                {
                    if (context.TryGetPayload<RabbitMqSendContext>(out var rabbit))
                    {
                        rabbit.Mandatory = true;
                    }
                }, cancellationToken);
                return;
            }
            catch (MessageReturnedException) when (attempt < Attempts)
            {
                logger.LogWarning("No queue took the report of {Key} in {Store} (the registry has not subscribed yet?); sending it again in {Delay}",
                    report.Key, report.Store, retry);
                await Task.Delay(retry, cancellationToken);
                retry *= 2;
            }
        }
    }
}
