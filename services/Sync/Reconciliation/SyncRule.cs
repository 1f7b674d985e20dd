namespace Platform.Sync.Reconciliation;

public enum SyncMode
{
    /// <summary>Copy what is missing or changed; never delete (rclone copy).</summary>
    Copy,

    /// <summary>Also delete what the source no longer has, guarded: never after a listing error, never more than <see cref="SyncRule.MaxDeletes"/> (rclone sync --max-delete).</summary>
    Mirror,
}

/// <summary>Data sync beyond models: everything under <see cref="Prefix"/> in <see cref="Source"/> is kept in <see cref="Destinations"/>.</summary>
public sealed class SyncRule
{
    public string Source { get; set; } = "";

    public string Prefix { get; set; } = "";

    public List<string> Destinations { get; set; } = [];

    public SyncMode Mode { get; set; } = SyncMode.Copy;

    /// <summary>In mirror mode, a run that would delete more than this deletes nothing and reports why.</summary>
    public int MaxDeletes { get; set; } = 100;

    public override string ToString() => $"{Source}:{Prefix} → {string.Join(", ", Destinations)} ({Mode})";
}
