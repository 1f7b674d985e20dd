using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Sync.Extensions;
using RabbitMQ.Client;

namespace Platform.Sync.Services;

/// <summary>
/// Sends a message back to the broker to be consumed again after <see cref="SyncOptions.RedeliveryDelay"/>, for outages longer
/// than the immediate retries cover. RabbitMQ has no per-message delay without a plugin, so each receive queue has a
/// durable delay queue beside it (<c>{queue}-delay</c>) whose messages expire after the delay and are dead-lettered back into
/// the receive queue. The message keeps its body and id; a header counts the redeliveries.
/// </summary>
public sealed class Redelivery(BrokerConnection broker, IOptions<SyncOptions> options, ILogger<Redelivery> logger)
{
    public const string CountHeader = "x-platform-redelivery";

    public static string DelayQueue(string queue) => queue + "-delay";

    public int Count(ConsumeContext context) =>
        context.ReceiveContext.TransportHeaders.TryGetHeader(CountHeader, out var value) && value is not null
            ? Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)
            : 0;

    /// <summary>Whether the message may be redelivered once more: a broker is there and the limit is not reached.</summary>
    public bool CanRedeliver(ConsumeContext context) => broker.Configured && Count(context) < options.Value.RedeliveryLimit;

    public async Task RedeliverAsync(ConsumeContext context, CancellationToken cancellationToken)
    {
        var queue = context.ReceiveContext.InputAddress.AbsolutePath.Trim('/').Split('/').Last();
        var count = Count(context) + 1;
        await using var channel = await broker.OpenChannelAsync(cancellationToken);
        await DeclareDelayQueueAsync(channel, queue, cancellationToken);
        // The body is MassTransit's whole envelope (ids, types, headers), so only the content type and the count ride outside it.
        var properties = new BasicProperties
        {
            Persistent = true,
            ContentType = context.ReceiveContext.ContentType?.ToString(),
            MessageId = context.MessageId?.ToString(),
            Headers = new Dictionary<string, object?> { [CountHeader] = count },
        };
        await channel.BasicPublishAsync("", DelayQueue(queue), mandatory: true, properties, context.ReceiveContext.Body.GetBytes(), cancellationToken);
        logger.LogWarning("Redelivering message {MessageId} to {Queue} in {Delay} (redelivery {Count} of {Limit})",
            context.MessageId, queue, options.Value.RedeliveryDelay, count, options.Value.RedeliveryLimit);
    }

    private Task DeclareDelayQueueAsync(IChannel channel, string queue, CancellationToken cancellationToken) =>
        channel.QueueDeclareAsync(DelayQueue(queue), durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?>
        {
            ["x-message-ttl"] = (long)options.Value.RedeliveryDelay.TotalMilliseconds,
            ["x-dead-letter-exchange"] = "",
            ["x-dead-letter-routing-key"] = queue,
        }, cancellationToken: cancellationToken);
}
