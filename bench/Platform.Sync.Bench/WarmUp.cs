using Platform.Storage;

namespace Platform.Sync.Bench;

/// <summary>
/// What each fresh worker copies before it is timed, so that it is measured in the steady state of a long-running service:
/// enough objects above and below the stores' single-request threshold (8 MiB) that the code of both copy paths is called
/// well past the JIT's tier-up counts (30 calls, twice over with dynamic PGO). Seeded once; the copies are deleted afterwards.
/// </summary>
public sealed record WarmUp(IReadOnlyList<SourceObject> Objects)
{
    public static async Task<WarmUp> SeedAsync(IObjectStore source) =>
        new([
            .. await SourceObject.SeedAsync(source, "warm-up/large", 16, 32 * SourceObject.MiB, firstSeed: 9000),
            .. await SourceObject.SeedAsync(source, "warm-up/small", 64, SourceObject.MiB, firstSeed: 9100),
        ]);
}
