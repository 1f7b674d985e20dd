namespace Platform.Contracts.Models;

/// <summary>An alias (production, staging, any label) was set, moved or deleted.</summary>
public sealed record ModelAliasChanged
{
    public required string Model { get; init; }

    public required string Alias { get; init; }

    /// <summary>The version the alias pointed at before; null when it was just created.</summary>
    public int? PreviousVersion { get; init; }

    /// <summary>The version it points at now; null when it was deleted.</summary>
    public int? Version { get; init; }

    public required string ChangedBy { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }
}
