using Platform.Testing;
using System.Security.Cryptography;

namespace Platform.Storage.Tests.Conformance;

/// <summary>
/// The behaviour every object store must have, run against each provider's real backend. A provider adds a fixture
/// (<see cref="IObjectStoreFixture"/>) and a three-line subclass.
/// </summary>
public abstract class ObjectStoreConformanceTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : class, IObjectStoreFixture
{
    /// <summary>The threshold fixtures configure, so that the staged (large-object) path runs on a few MiB.</summary>
    public const int SmallObjectThreshold = 1024 * 1024;

    private readonly ObjectStore _store = fixture.Store;

    /// <summary>Each test writes under its own prefix, so tests sharing one bucket never see each other's objects.</summary>
    private readonly string _prefix = $"conformance/{Guid.NewGuid():n}/";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1000)]
    [InlineData(SmallObjectThreshold)]
    [InlineData(3 * SmallObjectThreshold + 17)]
    public async Task Put_then_get_returns_the_same_bytes(int size)
    {
        var key = _prefix + "object.bin";
        var content = TestContent.Random(size, seed: size);

        var stored = await _store.PutAsync(key, new MemoryStream(content), cancellationToken: Cancellation);

        Assert.Equal(key, stored.Key);
        Assert.Equal(size, stored.Size);
        Assert.Equal(TestContent.Sha256Of(content), stored.Sha256);
        Assert.Equal(content, await ReadAllAsync(key, new ReadOptions { VerifySha256 = true }));
    }

    [Fact]
    public async Task Info_reports_size_hash_content_type_and_metadata()
    {
        var key = _prefix + "described.json";
        var content = "{\"hello\":\"world\"}"u8.ToArray();
        var options = new PutOptions
        {
            ContentType = "application/json",
            Metadata = new Dictionary<string, string> { ["source"] = "unit test", ["run_id"] = "42" },
        };

        await _store.PutAsync(key, new MemoryStream(content), options, Cancellation);
        var info = await _store.GetInfoAsync(key, Cancellation);

        Assert.NotNull(info);
        Assert.Equal(content.Length, info.Size);
        Assert.Equal(TestContent.Sha256Of(content), info.Sha256);
        Assert.Equal("application/json", info.ContentType);
        Assert.Equal("unit test", info.Metadata["source"]);
        Assert.Equal("42", info.Metadata["run_id"]);
        Assert.False(info.Metadata.ContainsKey(Sha256Hex.MetadataName));
        Assert.NotNull(info.LastModified);
    }

    [Fact]
    public async Task Ranges_read_exactly_the_requested_bytes()
    {
        var key = _prefix + "ranged.bin";
        var content = TestContent.Random(10_000, seed: 7);
        await _store.PutAsync(key, new MemoryStream(content), cancellationToken: Cancellation);

        Assert.Equal(content[100..200], await ReadAllAsync(key, new ReadOptions { Range = new ByteRange(100, 100) }));
        Assert.Equal(content[9_990..], await ReadAllAsync(key, new ReadOptions { Range = ByteRange.FromOffset(9_990) }));
        Assert.Equal(content[..1], await ReadAllAsync(key, new ReadOptions { Range = new ByteRange(0, 1) }));
    }

    [Fact]
    public async Task A_range_past_the_end_is_cut_at_the_end()
    {
        var key = _prefix + "short.bin";
        var content = TestContent.Random(100, seed: 8);
        await _store.PutAsync(key, new MemoryStream(content), cancellationToken: Cancellation);

        Assert.Equal(content[90..], await ReadAllAsync(key, new ReadOptions { Range = new ByteRange(90, 50) }));
        Assert.Empty(await ReadAllAsync(key, new ReadOptions { Range = ByteRange.FromOffset(100) }));
        Assert.Empty(await ReadAllAsync(key, new ReadOptions { Range = new ByteRange(500, 10) }));
    }

    [Theory]
    [InlineData("modèles/ünïcødé/日本語 モデル.onnx")]
    [InlineData("with spaces/a b  c.txt")]
    [InlineData("punctuation/plus+and&equals=question?hash#percent%25quote'star*.bin")]
    [InlineData("a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z/deep.bin")]
    [InlineData("emoji/🚀/😀.txt")]
    public async Task Awkward_keys_round_trip_and_list_as_themselves(string name)
    {
        var key = _prefix + name;
        var content = TestContent.Random(33, seed: name.Length);

        await _store.PutAsync(key, new MemoryStream(content), cancellationToken: Cancellation);

        Assert.Equal(content, await ReadAllAsync(key));
        var listed = await ListAsync(_prefix);
        Assert.Equal([key], listed.Select(info => info.Key));
        Assert.True(await _store.DeleteAsync(key, Cancellation));
    }

    [Fact]
    public async Task Listing_more_than_a_thousand_keys_returns_all_of_them_in_order()
    {
        const int count = 1_050;
        var keys = Enumerable.Range(0, count).Select(i => $"{_prefix}many/{i:x4}.txt").ToList();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Cancellation }, async (key, token) =>
            await _store.PutAsync(key, new MemoryStream([1, 2, 3]), cancellationToken: token));
        await _store.PutAsync(_prefix + "many-sibling.txt", new MemoryStream([4]), cancellationToken: Cancellation);

        var listed = await ListAsync(_prefix + "many/");

        Assert.Equal(keys.Order(StringComparer.Ordinal), listed.Select(info => info.Key));
        Assert.All(listed, info => Assert.Equal(3, info.Size));
        Assert.Equal(count + 1, (await ListAsync(_prefix)).Count);
    }

    [Fact]
    public async Task Conditional_create_under_concurrent_writers_lets_exactly_one_win()
    {
        if (fixture.ConcurrentCreateCaveat is { } caveat)
        {
            Assert.Skip(caveat);
        }
        var key = _prefix + "contested.bin";
        var contents = Enumerable.Range(0, 8).Select(writer => TestContent.Random(4096, seed: writer)).ToList();

        var outcomes = await Task.WhenAll(contents.Select(async content =>
        {
            try
            {
                await _store.PutAsync(key, new MemoryStream(content), new PutOptions { Overwrite = false }, Cancellation);
                return content;
            }
            catch (ObjectAlreadyExistsException)
            {
                return null;
            }
        }));

        var winner = Assert.Single(outcomes, outcome => outcome is not null);
        Assert.Equal(winner, await ReadAllAsync(key, new ReadOptions { VerifySha256 = true }));
    }

    [Theory]
    [InlineData(100)]
    [InlineData(2 * SmallObjectThreshold + 5)]
    public async Task Conditional_create_fails_when_the_key_exists_and_keeps_the_original(int size)
    {
        var key = _prefix + "exists.bin";
        var original = TestContent.Random(size, seed: 1);
        await _store.PutAsync(key, new MemoryStream(original), cancellationToken: Cancellation);

        var error = await Assert.ThrowsAsync<ObjectAlreadyExistsException>(() =>
            _store.PutAsync(key, new MemoryStream(TestContent.Random(size, seed: 2)), new PutOptions { Overwrite = false }, Cancellation));

        Assert.Equal(key, error.Key);
        Assert.Equal(original, await ReadAllAsync(key));
    }

    [Fact]
    public async Task Overwrite_replaces_the_content()
    {
        var key = _prefix + "replaced.bin";
        await _store.PutAsync(key, new MemoryStream([1, 2, 3]), cancellationToken: Cancellation);

        var replacement = TestContent.Random(500, seed: 3);
        var info = await _store.PutAsync(key, new MemoryStream(replacement), cancellationToken: Cancellation);

        Assert.Equal(TestContent.Sha256Of(replacement), info.Sha256);
        Assert.Equal(replacement, await ReadAllAsync(key, new ReadOptions { VerifySha256 = true }));
    }

    [Fact]
    public async Task A_missing_object_behaves_the_same_everywhere()
    {
        var key = _prefix + "missing.bin";

        Assert.Null(await _store.GetInfoAsync(key, Cancellation));
        var error = await Assert.ThrowsAsync<ObjectNotFoundException>(() => _store.OpenReadAsync(key, cancellationToken: Cancellation));
        Assert.Equal(key, error.Key);
        await Assert.ThrowsAsync<ObjectNotFoundException>(() =>
            _store.OpenReadAsync(key, new ReadOptions { Range = new ByteRange(0, 10) }, Cancellation));
        Assert.False(await _store.DeleteAsync(key, Cancellation));
        Assert.Empty(await ListAsync(_prefix));
    }

    [Fact]
    public async Task Delete_removes_the_object()
    {
        var key = _prefix + "doomed.bin";
        await _store.PutAsync(key, new MemoryStream([9]), cancellationToken: Cancellation);

        Assert.True(await _store.DeleteAsync(key, Cancellation));

        Assert.Null(await _store.GetInfoAsync(key, Cancellation));
        Assert.Empty(await ListAsync(_prefix));
    }

    [Fact]
    public async Task A_corrupted_object_is_detected_on_a_verified_read()
    {
        var key = _prefix + "rotten.bin";
        var content = TestContent.Random(50_000, seed: 4);
        await _store.PutAsync(key, new MemoryStream(content), cancellationToken: Cancellation);

        await fixture.CorruptAsync(key, Cancellation);

        var error = await Assert.ThrowsAsync<ObjectIntegrityException>(() => ReadAllAsync(key, new ReadOptions { VerifySha256 = true }));
        Assert.Equal(TestContent.Sha256Of(content), error.ExpectedSha256);
        Assert.NotEqual(error.ExpectedSha256, error.ActualSha256);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(2 * SmallObjectThreshold + 9)]
    public async Task A_put_whose_content_does_not_match_the_expected_hash_leaves_nothing(int size)
    {
        var key = _prefix + "mismatched.bin";
        var wrongHash = TestContent.Sha256Of([1, 2, 3]);

        await Assert.ThrowsAsync<ObjectIntegrityException>(() =>
            _store.PutAsync(key, new MemoryStream(TestContent.Random(size, seed: 5)), new PutOptions { ExpectedSha256 = wrongHash }, Cancellation));

        Assert.Null(await _store.GetInfoAsync(key, Cancellation));
        Assert.Empty(await ListAsync(_prefix));
    }

    [Fact]
    public async Task A_put_with_the_expected_hash_succeeds()
    {
        var key = _prefix + "expected.bin";
        var content = TestContent.Random(2 * SmallObjectThreshold + 1, seed: 6);

        var info = await _store.PutAsync(key, new MemoryStream(content), new PutOptions { ExpectedSha256 = TestContent.Sha256Of(content).ToUpperInvariant() }, Cancellation);

        Assert.Equal(TestContent.Sha256Of(content), info.Sha256);
    }

    [Fact]
    public async Task An_interrupted_upload_leaves_the_previous_object_intact_and_nothing_half_written()
    {
        var key = _prefix + "interrupted.bin";
        var original = TestContent.Random(2000, seed: 10);
        await _store.PutAsync(key, new MemoryStream(original), cancellationToken: Cancellation);

        await Assert.ThrowsAsync<IOException>(() =>
            _store.PutAsync(key, new GeneratedStream(5L * SmallObjectThreshold) { FailAfter = 3L * SmallObjectThreshold }, cancellationToken: Cancellation));
        await Assert.ThrowsAsync<IOException>(() =>
            _store.PutAsync(_prefix + "never.bin", new GeneratedStream(5L * SmallObjectThreshold) { FailAfter = 2L * SmallObjectThreshold }, cancellationToken: Cancellation));

        Assert.Equal(original, await ReadAllAsync(key, new ReadOptions { VerifySha256 = true }));
        Assert.Equal([key], (await ListAsync(_prefix)).Select(info => info.Key));
    }

    [Fact]
    public async Task Staging_areas_never_show_in_listings()
    {
        await _store.PutAsync(_prefix + "staged.bin", new GeneratedStream(2L * SmallObjectThreshold + 3), cancellationToken: Cancellation);

        var everything = await ListAsync("");

        Assert.DoesNotContain(everything, info => info.Key.StartsWith(ObjectKey.ReservedPrefix, StringComparison.Ordinal));
        Assert.Contains(everything, info => info.Key == _prefix + "staged.bin");
    }

    [Theory]
    [InlineData("")]
    [InlineData("/absolute.bin")]
    [InlineData("../escape.bin")]
    [InlineData("a/../../escape.bin")]
    [InlineData("a//b.bin")]
    [InlineData("trailing/")]
    [InlineData("back\\slash.bin")]
    [InlineData("control\u0001char.bin")]
    [InlineData(".platform/staging/sneaky.bin")]
    public async Task Invalid_keys_are_refused_with_a_reason(string key)
    {
        var error = await Assert.ThrowsAsync<InvalidObjectKeyException>(() => _store.PutAsync(key, new MemoryStream([1]), cancellationToken: Cancellation));
        Assert.False(string.IsNullOrWhiteSpace(error.Reason));
        await Assert.ThrowsAsync<InvalidObjectKeyException>(() => _store.OpenReadAsync(key, cancellationToken: Cancellation));
    }

    [Fact]
    public async Task A_key_longer_than_1024_bytes_is_refused()
    {
        var key = _prefix + new string('é', 520);

        var error = await Assert.ThrowsAsync<InvalidObjectKeyException>(() => _store.PutAsync(key, new MemoryStream([1]), cancellationToken: Cancellation));

        Assert.Contains("1024", error.Reason);
    }

    [Fact]
    public async Task Server_side_copy_keeps_bytes_and_hash()
    {
        Assert.SkipUnless(_store.Capabilities.HasFlag(StoreCapabilities.ServerSideCopy), $"{_store.Provider} does not declare the ServerSideCopy capability.");
        var copier = (IServerSideCopy)_store;
        var content = TestContent.Random(3000, seed: 11);
        await _store.PutAsync(_prefix + "source.bin", new MemoryStream(content), cancellationToken: Cancellation);

        var copy = await copier.CopyAsync(_prefix + "source.bin", _prefix + "copy.bin", cancellationToken: Cancellation);

        Assert.Equal(TestContent.Sha256Of(content), copy.Sha256);
        Assert.Equal(content, await ReadAllAsync(_prefix + "copy.bin", new ReadOptions { VerifySha256 = true }));
    }

    [Fact]
    public async Task A_presigned_url_reads_the_object_without_credentials()
    {
        Assert.SkipUnless(_store.Capabilities.HasFlag(StoreCapabilities.PresignedUrls), $"{_store.Provider} does not declare the PresignedUrls capability.");
        var content = TestContent.Random(1234, seed: 12);
        await _store.PutAsync(_prefix + "shared.bin", new MemoryStream(content), cancellationToken: Cancellation);

        var url = ((IPresignedUrls)_store).GetPresignedReadUrl(_prefix + "shared.bin", TimeSpan.FromMinutes(5));
        using var http = new HttpClient();

        Assert.Equal(content, await http.GetByteArrayAsync(url, Cancellation));
    }

    private async Task<byte[]> ReadAllAsync(string key, ReadOptions? options = null)
    {
        await using var stream = await _store.OpenReadAsync(key, options, Cancellation);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, Cancellation);
        return buffer.ToArray();
    }

    private async Task<List<ObjectInfo>> ListAsync(string prefix)
    {
        var result = new List<ObjectInfo>();
        await foreach (var info in _store.ListAsync(prefix, Cancellation))
        {
            result.Add(info);
        }
        return result;
    }
}
