namespace Platform.Registry.Model;

/// <summary>Where a version came from: what trained it, on what, and how well it did.</summary>
public sealed record Lineage
{
    public IReadOnlyDictionary<string, string> Params { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    public IReadOnlyList<string> Tags { get; init; } = [];

    public LineageSource? Source { get; init; }
}

public sealed record LineageSource
{
    public string? DatasetUri { get; init; }

    public string? GitCommit { get; init; }
}
