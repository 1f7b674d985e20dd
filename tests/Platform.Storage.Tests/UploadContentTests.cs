using Platform.Storage.Tests.Conformance;

namespace Platform.Storage.Tests;

public sealed class UploadContentTests
{
    private const int Threshold = 64 * 1024;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Threshold - 1)]
    public async Task Content_under_the_threshold_is_small_and_hashed_in_advance(int size)
    {
        var content = TestContent.Random(size, seed: size);

        using var upload = await UploadContent.BeginAsync(new MemoryStream(content), Threshold, TestContext.Current.CancellationToken);

        Assert.True(upload.IsSmall);
        Assert.Equal(content, upload.Buffered.ToArray());
        Assert.Equal(TestContent.Sha256Of(content), upload.Sha256);
        Assert.Equal(size, upload.Length);
    }

    [Theory]
    [InlineData(Threshold)]
    [InlineData(5 * Threshold + 3)]
    public async Task Larger_content_streams_whole_through_the_remainder_and_is_hashed_at_its_end(int size)
    {
        var content = TestContent.Random(size, seed: size);

        using var upload = await UploadContent.BeginAsync(new MemoryStream(content), Threshold, TestContext.Current.CancellationToken);
        Assert.False(upload.IsSmall);
        Assert.Throws<InvalidOperationException>(() => upload.Sha256);
        using var copy = new MemoryStream();
        await upload.Remainder.CopyToAsync(copy, TestContext.Current.CancellationToken);

        Assert.Equal(content, copy.ToArray());
        Assert.True(upload.IsComplete);
        Assert.False(upload.IsSmall);
        Assert.Equal(TestContent.Sha256Of(content), upload.Sha256);
        Assert.Equal(size, upload.Length);
    }

    [Fact]
    public async Task A_hash_other_than_the_expected_one_is_an_integrity_error()
    {
        using var upload = await UploadContent.BeginAsync(new MemoryStream([1, 2, 3]), Threshold, TestContext.Current.CancellationToken);

        var error = Assert.Throws<ObjectIntegrityException>(() =>
            upload.ThrowIfNotExpected("store", "key", new PutOptions { ExpectedSha256 = TestContent.Sha256Of([1, 2]) }));

        Assert.Equal(TestContent.Sha256Of([1, 2, 3]), error.ActualSha256);
        upload.ThrowIfNotExpected("store", "key", new PutOptions { ExpectedSha256 = TestContent.Sha256Of([1, 2, 3]).ToUpperInvariant() });
    }
}
