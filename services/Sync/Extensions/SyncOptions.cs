using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Platform.Sync.Reconciliation;

namespace Platform.Sync.Extensions;

/// <summary>The <c>Sync</c> configuration section.</summary>
public sealed class SyncOptions
{
    public const string SectionName = "Sync";

    /// <summary>The cloud this worker runs in. It copies into that cloud's stores only (a pull model), and names its queues after it.</summary>
    [Required]
    [RegularExpression("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    public string Cloud { get; set; } = "";

    /// <summary>The stores this worker fills; empty: every configured store in <see cref="Cloud"/>.</summary>
    public List<string> Stores { get; set; } = [];

    /// <summary>How many copies run at once.</summary>
    [Range(1, 256)]
    public int ConcurrentCopies { get; set; } = 4;

    /// <summary>Immediate retries of a failed copy, with exponential backoff and jitter between <see cref="RetryMinDelay"/> and <see cref="RetryMaxDelay"/>.</summary>
    [Range(0, 20)]
    public int RetryLimit { get; set; } = 4;

    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan RetryMinDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>After the retries, how many times the message goes back to the broker to wait <see cref="RedeliveryDelay"/> and be tried again, for outages longer than the retries cover.</summary>
    [Range(0, 100)]
    public int RedeliveryLimit { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RedeliveryDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The key (header <c>X-Api-Key</c>) that <c>POST /api/reconcile</c> requires; unset, it is refused (403).</summary>
    public string? ApiKey { get; set; }

    /// <summary>How often the reconciler runs; it also runs at start and on demand (POST /api/reconcile).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Data sync beyond models: source store + prefix → destination stores.</summary>
    public List<SyncRule> Rules { get; set; } = [];
}

/// <summary>Checks <see cref="SyncOptions"/>'s data annotations with code generated at build time (see <c>AddValidatedOptions</c>).</summary>
[OptionsValidator]
public sealed partial class SyncOptionsAnnotationsValidator : IValidateOptions<SyncOptions>;
