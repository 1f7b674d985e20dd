using Platform.Testing;
namespace Platform.Storage.Tests.Conformance;

/// <summary>Runs alone: the memory check watches the whole process, so no other test may allocate meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemorySensitiveCollection
{
    public const string Name = "Memory-sensitive";
}

/// <summary>
/// The 256 MiB round trip of the conformance suite, in a class of its own so that it can run in the
/// <see cref="MemorySensitiveCollection"/>. A provider adds a one-line subclass with <c>[Collection(MemorySensitiveCollection.Name)]</c>.
/// </summary>
public abstract class LargeObjectTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : class, IObjectStoreFixture
{
    private const long LargeObjectSize = 256L * 1024 * 1024;

    private readonly ObjectStore _store = fixture.Store;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_256_MiB_object_round_trips_streamed_with_bounded_memory()
    {
        var key = $"large/{Guid.NewGuid():n}.bin";
        var expectedSha256 = GeneratedStream.Sha256Of(LargeObjectSize);
        using var memory = new ManagedMemorySampler();

        var stored = await _store.PutAsync(key, new GeneratedStream(LargeObjectSize), cancellationToken: Cancellation);
        await using (var read = await _store.OpenReadAsync(key, new ReadOptions { VerifySha256 = true }, Cancellation))
        {
            Assert.Equal(expectedSha256, await Sha256Hex.OfAsync(read, Cancellation));
        }

        Assert.Equal(LargeObjectSize, stored.Size);
        Assert.Equal(expectedSha256, stored.Sha256);
        // Holding the object would take 256 MiB; streaming takes a few buffers. The margin absorbs other tests running in parallel.
        Assert.True(memory.PeakGrowthBytes < 96L * 1024 * 1024, $"Managed heap grew by {memory.PeakGrowthBytes / (1024 * 1024)} MiB while streaming 256 MiB.");
    }

}
