using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Platform.Storage.Configuration;
using Platform.Storage.Providers.AzureBlob;
using Platform.Storage.Tests.Conformance;
using Platform.Testing;

namespace Platform.Storage.Tests.Providers;

/// <summary>What the Azure Blob store does beyond the conformance suite: its transfer validation, its answers to racing large
/// uploads (which stage blocks under the object's own name), and the details of its copies and SAS URLs.</summary>
public sealed class AzureBlobStoreTests(AzureBlobStoreFixture fixture) : IClassFixture<AzureBlobStoreFixture>
{
    private const int Threshold = ObjectStoreConformanceTests<AzureBlobStoreFixture>.SmallObjectThreshold;

    private readonly ObjectStore _store = fixture.Store;
    private readonly string _prefix = $"azure/{Guid.NewGuid():n}/";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(1000)]
    [InlineData(2 * Threshold + 7)]
    public async Task Uploads_damaged_on_the_way_are_refused_and_leave_nothing(int size)
    {
        await using var proxy = new AzureBlobCorruptingProxy(new Uri(fixture.BlobEndpoint).Port);
        var damagedPath = StoreAt($"http://127.0.0.1:{proxy.Port}/devstoreaccount1");
        var key = _prefix + "damaged.bin";

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() =>
            damagedPath.PutAsync(key, new MemoryStream(TestContent.Random(size, seed: 20)), cancellationToken: Cancellation));

        Assert.True(proxy.Corrupted > 0, "The proxy damaged no upload, so this test showed nothing.");
        Assert.Contains("MD5", error.Message);
        Assert.Null(await _store.GetInfoAsync(key, Cancellation));
    }

    [Fact]
    public async Task A_ranged_read_longer_than_4_MiB_returns_exactly_its_bytes()
    {
        var key = _prefix + "six-mib.bin";
        var content = TestContent.Random(6 * 1024 * 1024, seed: 21);
        await _store.PutAsync(key, new MemoryStream(content), cancellationToken: Cancellation);

        await using var read = await _store.OpenReadAsync(key, new ReadOptions { Range = new ByteRange(1, 5 * 1024 * 1024) }, Cancellation);
        using var buffer = new MemoryStream();
        await read.CopyToAsync(buffer, Cancellation);

        Assert.Equal(content[1..(5 * 1024 * 1024 + 1)], buffer.ToArray());
        Assert.Equal(content.Length, read.Info.Size);
    }

    [Fact]
    public async Task Racing_large_create_only_puts_let_exactly_one_win()
    {
        var key = _prefix + "contested-large.bin";
        var contents = Enumerable.Range(0, 4).Select(writer => TestContent.Random(PartedUpload.DefaultPartSize + Threshold + writer, seed: 30 + writer)).ToList();

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
        Assert.Equal(winner, await ReadAllAsync(key));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_large_put_overtaken_by_another_writer_fails_cleanly_and_keeps_the_other_object(bool overwrite)
    {
        var key = _prefix + "overtaken.bin";
        var options = new PutOptions { Overwrite = overwrite };
        var second = TestContent.Random(2 * Threshold, seed: 41);
        var first = new PausingStream(TestContent.Random(PartedUpload.DefaultPartSize + Threshold, seed: 40), pauseAt: PartedUpload.DefaultPartSize);

        var overtaken = _store.PutAsync(key, first, options, Cancellation);
        try
        {
            await FirstBlockStagedAsync(key).WaitAsync(TimeSpan.FromSeconds(30), Cancellation);
            await _store.PutAsync(key, new MemoryStream(second), options, Cancellation);
        }
        finally
        {
            first.Release();
        }

        var error = await Assert.ThrowsAnyAsync<ObjectStoreException>(() => overtaken);
        Assert.Equal(overwrite ? typeof(ObjectStoreException) : typeof(ObjectAlreadyExistsException), error.GetType());
        Assert.Contains(overwrite ? "Retry" : "already exists", error.Message);
        Assert.Equal(second, await ReadAllAsync(key));
    }

    [Fact]
    public async Task A_put_reports_what_the_store_then_describes()
    {
        var key = _prefix + "described.bin";
        var options = new PutOptions { Metadata = new Dictionary<string, string> { ["owner"] = "registry" } };

        var put = await _store.PutAsync(key, new MemoryStream(TestContent.Random(2 * Threshold, seed: 22)), options, Cancellation);
        var info = await _store.GetInfoAsync(key, Cancellation);

        Assert.NotNull(info);
        Assert.Equal((info.Size, info.Sha256, info.ContentType, info.LastModified), (put.Size, put.Sha256, put.ContentType, put.LastModified));
        Assert.Equal(info.Metadata, put.Metadata);
    }

    [Fact]
    public async Task A_copy_onto_an_existing_key_without_overwrite_is_refused_and_keeps_the_original()
    {
        var copier = (IServerSideCopy)_store;
        var original = TestContent.Random(100, seed: 23);
        await _store.PutAsync(_prefix + "source.bin", new MemoryStream(TestContent.Random(200, seed: 24)), cancellationToken: Cancellation);
        await _store.PutAsync(_prefix + "taken.bin", new MemoryStream(original), cancellationToken: Cancellation);

        await Assert.ThrowsAsync<ObjectAlreadyExistsException>(() =>
            copier.CopyAsync(_prefix + "source.bin", _prefix + "taken.bin", new PutOptions { Overwrite = false }, Cancellation));

        Assert.Equal(original, await ReadAllAsync(_prefix + "taken.bin"));
    }

    [Fact]
    public async Task A_copy_with_new_metadata_keeps_the_hash_and_a_missing_source_is_not_found()
    {
        var copier = (IServerSideCopy)_store;
        var content = TestContent.Random(300, seed: 25);
        await _store.PutAsync(_prefix + "source.bin", new MemoryStream(content), cancellationToken: Cancellation);

        var copy = await copier.CopyAsync(_prefix + "source.bin", _prefix + "copy.bin", new PutOptions { Metadata = new Dictionary<string, string> { ["stage"] = "prod" } }, Cancellation);
        var info = await _store.GetInfoAsync(_prefix + "copy.bin", Cancellation);

        Assert.Equal(TestContent.Sha256Of(content), copy.Sha256);
        Assert.Equal(TestContent.Sha256Of(content), info?.Sha256);
        Assert.Equal("prod", info?.Metadata["stage"]);
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => copier.CopyAsync(_prefix + "absent.bin", _prefix + "copy2.bin", cancellationToken: Cancellation));
    }

    [Fact]
    public async Task A_presigned_url_cannot_write()
    {
        var key = _prefix + "read-only.bin";
        var content = TestContent.Random(10, seed: 26);
        await _store.PutAsync(key, new MemoryStream(content), cancellationToken: Cancellation);
        var url = ((IPresignedUrls)_store).GetPresignedReadUrl(key, TimeSpan.FromMinutes(5));
        using var http = new HttpClient();

        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent([1, 2, 3]) };
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        using var response = await http.SendAsync(request, Cancellation);

        Assert.False(response.IsSuccessStatusCode, $"A write through a read SAS answered {(int)response.StatusCode}.");
        Assert.Equal(content, await ReadAllAsync(key));
    }

    [Fact]
    public void A_store_with_only_an_account_endpoint_uses_entra_id_so_it_cannot_presign()
    {
        var store = new AzureBlobObjectStore("blob", new ObjectStoreOptions
        {
            Provider = ObjectStoreProvider.AzureBlob,
            Container = "models",
            Endpoint = "https://account.blob.core.windows.net",
        });

        Assert.False(store.Capabilities.HasFlag(StoreCapabilities.PresignedUrls));
        Assert.True(store.Capabilities.HasFlag(StoreCapabilities.ServerSideCopy));
    }

    [Fact]
    public void A_store_with_neither_connection_string_nor_endpoint_is_refused_with_a_reason()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new AzureBlobObjectStore("blob", new ObjectStoreOptions
        {
            Provider = ObjectStoreProvider.AzureBlob,
            Container = "models",
        }));

        Assert.Contains("Storage:Stores:blob", error.Message);
        Assert.Contains("ConnectionString or Endpoint", error.Message);
    }

    private AzureBlobObjectStore StoreAt(string blobEndpoint) => new("azure-via-proxy", new ObjectStoreOptions
    {
        Provider = ObjectStoreProvider.AzureBlob,
        Container = AzureBlobStoreFixture.Container,
        ConnectionString = LocalEmulators.AzuriteConnectionString(blobEndpoint),
        SmallObjectThreshold = Threshold,
    });

    /// <summary>Waits until the first block of an upload to <paramref name="key"/> is staged, seen through the raw SDK.</summary>
    private async Task FirstBlockStagedAsync(string key)
    {
        var blob = new BlockBlobClient(fixture.ConnectionString, AzureBlobStoreFixture.Container, key);
        while (true)
        {
            try
            {
                if ((await blob.GetBlockListAsync(BlockListTypes.Uncommitted, cancellationToken: Cancellation)).Value.UncommittedBlocks.Any())
                {
                    return;
                }
            }
            catch (RequestFailedException exception) when (exception.Status == 404)
            {
                // No block yet: the blob name is unknown to the service until its first block arrives.
            }
            await Task.Delay(20, Cancellation);
        }
    }

    private async Task<byte[]> ReadAllAsync(string key)
    {
        await using var stream = await _store.OpenReadAsync(key, new ReadOptions { VerifySha256 = true }, Cancellation);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, Cancellation);
        return buffer.ToArray();
    }

    /// <summary>Content that stops handing out bytes at <paramref name="pauseAt"/> until released, so a test can act while an
    /// upload of it is half done.</summary>
    private sealed class PausingStream(byte[] content, int pauseAt) : ForwardReadStream
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _release.TrySetResult();

        protected override int ReadCore(Span<byte> buffer)
        {
            if (BytesRead == pauseAt)
            {
                _release.Task.Wait();
            }
            return Take(buffer);
        }

        protected override async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            if (BytesRead == pauseAt)
            {
                await _release.Task.WaitAsync(cancellationToken);
            }
            return Take(buffer.Span);
        }

        private int Take(Span<byte> buffer)
        {
            var end = BytesRead < pauseAt ? pauseAt : content.Length;
            var count = (int)Math.Min(buffer.Length, end - BytesRead);
            content.AsSpan((int)BytesRead, count).CopyTo(buffer);
            return count;
        }
    }
}
