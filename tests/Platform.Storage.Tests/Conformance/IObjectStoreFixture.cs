namespace Platform.Storage.Tests.Conformance;

/// <summary>
/// What a provider's fixture gives the conformance suite: a store on a real backend (started once per test class), and a way
/// to damage an object behind the store's back.
/// </summary>
public interface IObjectStoreFixture : IAsyncLifetime
{
    /// <summary>A store whose small-object threshold is <see cref="ObjectStoreConformanceTests{TFixture}.SmallObjectThreshold"/>,
    /// so the staged upload path runs on modest sizes.</summary>
    ObjectStore Store { get; }

    /// <summary>Replaces the object's bytes with different bytes of the same length through the raw SDK or file system,
    /// keeping its recorded <c>sha256</c> metadata, as bit rot or a buggy writer would.</summary>
    Task CorruptAsync(string key, CancellationToken cancellationToken);

    /// <summary>Why the backend here cannot decide a race of create-only writers atomically (an emulator's limit), or null.</summary>
    string? ConcurrentCreateCaveat => null;
}
