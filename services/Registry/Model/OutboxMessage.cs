namespace Platform.Registry.Model;

/// <summary>
/// An event waiting to be published. It is written in the same database transaction as the change it reports, so the
/// event exists exactly when the change does; the dispatcher publishes rows in <see cref="Id"/> order.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }

    /// <summary>The MassTransit message id: stable across retries, so consumers can drop a redelivered duplicate.</summary>
    public Guid MessageId { get; set; }

    /// <summary>The contract's full type name, e.g. Platform.Contracts.Models.ModelAliasChanged.</summary>
    public required string MessageType { get; set; }

    public required string Payload { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? DispatchedAt { get; set; }

    /// <summary>
    /// Set when the row could not be turned back into its event after <see cref="Outbox.OutboxOptions.MaxAttempts"/> tries: it is
    /// set aside, with <see cref="LastError"/>, so the rows behind it go out. Clearing it makes the dispatcher try the row again.
    /// </summary>
    public DateTimeOffset? FailedAt { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }
}
