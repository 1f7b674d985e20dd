using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Platform.Registry.Outbox;

/// <summary>The <c>Registry:Outbox</c> section.</summary>
public sealed class OutboxOptions
{
    public const string SectionName = "Registry:Outbox";

    /// <summary>How often to look for pending rows when nothing signalled (rows written by another registry instance, or left by a crash).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one publish may wait for the broker before it counts as failed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The first retry delay after a failed publish; it doubles up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    [Range(1, 1000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// How often a row that cannot be decoded (a type this build does not know, a payload that does not parse) is tried before
    /// it is set aside. A few tries give a newer registry instance, during a rolling update, the chance to publish a type that
    /// this one does not know. Broker failures never set a row aside: an outage only delays events.
    /// </summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>How many dispatched rows to keep, newest first, for inspection; older ones are deleted so the table stays small.</summary>
    [Range(0, int.MaxValue)]
    public int KeepDispatched { get; set; } = 10_000;
}

/// <summary>Checks <see cref="OutboxOptions"/>'s data annotations with code generated at build time (see <c>AddValidatedOptions</c>).</summary>
[OptionsValidator]
public sealed partial class OutboxOptionsAnnotationsValidator : IValidateOptions<OutboxOptions>;
