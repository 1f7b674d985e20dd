using System.Text.Json;
using Platform.Registry.Infrastructure;
using Platform.Registry.Model;

namespace Platform.Registry.Outbox;

public static class OutboxExtensions
{
    internal static readonly JsonSerializerOptions PayloadOptions = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Queues an event in the outbox. It is saved by the caller's next SaveChanges, in the same transaction as the change it
    /// reports; the dispatcher publishes it after the commit.
    /// </summary>
    public static void Enqueue<TEvent>(this RegistryDbContext db, TEvent message, DateTimeOffset now) where TEvent : class
    {
        OutboxContracts.EnsurePublishable(typeof(TEvent));
        db.Outbox.Add(new OutboxMessage
        {
            MessageId = Guid.NewGuid(),
            MessageType = typeof(TEvent).FullName!,
            Payload = JsonSerializer.Serialize(message, PayloadOptions),
            CreatedAt = now,
        });
    }
}
