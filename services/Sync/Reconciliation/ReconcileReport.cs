namespace Platform.Sync.Reconciliation;

/// <summary>What one reconciliation run found and did in one local store.</summary>
public sealed class StoreReport
{
    public required string Store { get; init; }

    /// <summary>Replicas the registry expects here that were checked.</summary>
    public int Checked { get; set; }

    /// <summary>Expected but absent: copied now (unless the copy failed).</summary>
    public int Missing { get; set; }

    /// <summary>Present with the wrong SHA-256: replaced with a verified copy.</summary>
    public int Corrupt { get; set; }

    /// <summary>Present and right, but the registry did not know: reported to it.</summary>
    public int Unrecorded { get; set; }

    public int Repaired { get; set; }

    public List<string> Failures { get; init; } = [];
}

/// <summary>What one sync rule did in one destination store.</summary>
public sealed class RuleReport
{
    public required string Rule { get; init; }

    public required string Destination { get; init; }

    public int SourceObjects { get; set; }

    public int Copied { get; set; }

    public int Updated { get; set; }

    public int Deleted { get; set; }

    /// <summary>Why a mirror rule deleted nothing, when it had something to delete.</summary>
    public string? DeletesSkipped { get; set; }

    public List<string> Failures { get; init; } = [];
}

public sealed class ReconcileReport
{
    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset FinishedAt { get; set; }

    public List<StoreReport> Stores { get; init; } = [];

    public List<RuleReport> Rules { get; init; } = [];

    /// <summary>Set when the registry could not be read: models were not reconciled this time.</summary>
    public string? RegistryError { get; set; }
}
