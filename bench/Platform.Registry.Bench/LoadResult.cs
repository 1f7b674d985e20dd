using Platform.Testing;

namespace Platform.Registry.Bench;

/// <summary>What one case measured (<see cref="LoadReport"/>), named, and by which tool.</summary>
public sealed record LoadResult(string Case, string Tool, LoadReport Measured);
