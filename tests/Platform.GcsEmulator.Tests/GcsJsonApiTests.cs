using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Google;
using Google.Cloud.Storage.V1;
using Platform.GcsEmulator.Storage;
using GcsObject = Google.Apis.Storage.v1.Data.Object;

namespace Platform.GcsEmulator.Tests;

/// <summary>The emulator driven by Google.Cloud.Storage.V1, unchanged, and by raw HTTP where the client has no call for a case.</summary>
public sealed class GcsJsonApiTests(EmulatorHost emulator) : IClassFixture<EmulatorHost>
{
    private readonly string _bucket = $"bucket-{Guid.NewGuid():n}"[..30];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private StorageClient Client => emulator.Client;

    [Fact]
    public async Task Buckets_are_created_listed_fetched_and_deleted()
    {
        await Client.CreateBucketAsync("project", _bucket, cancellationToken: Cancellation);

        var duplicate = await Assert.ThrowsAsync<GoogleApiException>(() => Client.CreateBucketAsync("project", _bucket, cancellationToken: Cancellation));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.HttpStatusCode);
        Assert.Equal(_bucket, (await Client.GetBucketAsync(_bucket, cancellationToken: Cancellation)).Name);
        Assert.Contains(await Client.ListBucketsAsync("project").ToListAsync(Cancellation), bucket => bucket.Name == _bucket);

        await Client.UploadObjectAsync(_bucket, "keeps-it-busy", null, new MemoryStream([1]), cancellationToken: Cancellation);
        var notEmpty = await Assert.ThrowsAsync<GoogleApiException>(() => Client.DeleteBucketAsync(_bucket, cancellationToken: Cancellation));
        Assert.Equal(HttpStatusCode.Conflict, notEmpty.HttpStatusCode);
        await Client.DeleteObjectAsync(_bucket, "keeps-it-busy", cancellationToken: Cancellation);
        await Client.DeleteBucketAsync(_bucket, cancellationToken: Cancellation);
        var gone = await Assert.ThrowsAsync<GoogleApiException>(() => Client.GetBucketAsync(_bucket, cancellationToken: Cancellation));
        Assert.Equal(HttpStatusCode.NotFound, gone.HttpStatusCode);
    }

    [Fact]
    public async Task A_resumable_upload_in_many_chunks_round_trips_and_the_client_verifies_its_hashes()
    {
        await CreateBucketAsync();
        var content = RandomBytes(3 * 1024 * 1024 + 123);

        var stored = await Client.UploadObjectAsync(
            new GcsObject { Bucket = _bucket, Name = "dir/ü nicode+file.bin", ContentType = "application/x-test", Metadata = new Dictionary<string, string> { ["sha256"] = "x" } },
            new MemoryStream(content),
            new UploadObjectOptions { ChunkSize = UploadObjectOptions.MinimumChunkSize },
            Cancellation);
        using var downloaded = new MemoryStream();
        await Client.DownloadObjectAsync(_bucket, "dir/ü nicode+file.bin", downloaded, new DownloadObjectOptions { DownloadValidationMode = DownloadValidationMode.Always }, cancellationToken: Cancellation);

        Assert.Equal((ulong)content.Length, stored.Size);
        Assert.Equal(Convert.ToBase64String(MD5.HashData(content)), stored.Md5Hash);
        Assert.Equal("application/x-test", stored.ContentType);
        Assert.Equal("x", stored.Metadata["sha256"]);
        Assert.Equal(content, downloaded.ToArray());
    }

    [Fact]
    public async Task Simple_and_multipart_uploads_store_what_was_sent()
    {
        await CreateBucketAsync();
        var simple = await emulator.Http.PostAsync(
            $"{emulator.BaseUrl}/upload/storage/v1/b/{_bucket}/o?uploadType=media&name={Uri.EscapeDataString("a/simple.txt")}",
            new StringContent("simple body", Encoding.UTF8, "text/plain"), Cancellation);
        simple.EnsureSuccessStatusCode();

        var multipart = new MultipartContent("related", "boundary_1")
        {
            new StringContent("""{"name":"a/multi.txt","metadata":{"origin":"test"}}""", Encoding.UTF8, "application/json"),
            new ByteArrayContent("multipart body"u8.ToArray()) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } },
        };
        var response = await emulator.Http.PostAsync($"{emulator.BaseUrl}/upload/storage/v1/b/{_bucket}/o?uploadType=multipart", multipart, Cancellation);
        response.EnsureSuccessStatusCode();

        Assert.Equal("simple body", await DownloadTextAsync("a/simple.txt"));
        Assert.Equal("multipart body", await DownloadTextAsync("a/multi.txt"));
        var multi = await Client.GetObjectAsync(_bucket, "a/multi.txt", cancellationToken: Cancellation);
        Assert.Equal("text/csv", multi.ContentType);
        Assert.Equal("test", multi.Metadata["origin"]);
    }

    [Fact]
    public async Task Ranged_reads_return_206_with_the_bytes_asked_for_and_416_past_the_end()
    {
        await CreateBucketAsync();
        var content = RandomBytes(1000);
        await Client.UploadObjectAsync(_bucket, "ranged", null, new MemoryStream(content), cancellationToken: Cancellation);

        using var part = new MemoryStream();
        // x-goog-hash always describes the whole object, as GCS documents, so a partial read cannot be checked against it.
        await Client.DownloadObjectAsync(_bucket, "ranged", part,
            new DownloadObjectOptions { Range = new RangeHeaderValue(100, 199), DownloadValidationMode = DownloadValidationMode.Never }, Cancellation);
        var request = new HttpRequestMessage(HttpMethod.Get, $"{emulator.BaseUrl}/storage/v1/b/{_bucket}/o/ranged?alt=media") { Headers = { Range = new RangeHeaderValue(5000, null) } };
        using var unsatisfiable = await emulator.Http.SendAsync(request, Cancellation);

        Assert.Equal(content[100..200], part.ToArray());
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, unsatisfiable.StatusCode);
    }

    [Fact]
    public async Task Listing_pages_past_a_thousand_objects_and_groups_by_delimiter()
    {
        await CreateBucketAsync();
        await Parallel.ForEachAsync(Enumerable.Range(0, 1_050), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Cancellation }, async (i, token) =>
            (await emulator.Http.PostAsync($"{emulator.BaseUrl}/upload/storage/v1/b/{_bucket}/o?uploadType=media&name=many/{i:d4}", new ByteArrayContent([1]), token)).EnsureSuccessStatusCode());
        await Client.UploadObjectAsync(_bucket, "many-sibling", null, new MemoryStream([1]), cancellationToken: Cancellation);
        await Client.UploadObjectAsync(_bucket, "folder/a/1", null, new MemoryStream([1]), cancellationToken: Cancellation);
        await Client.UploadObjectAsync(_bucket, "folder/b/2", null, new MemoryStream([1]), cancellationToken: Cancellation);
        await Client.UploadObjectAsync(_bucket, "folder/top", null, new MemoryStream([1]), cancellationToken: Cancellation);

        var many = await Client.ListObjectsAsync(_bucket, "many/").ToListAsync(Cancellation);
        var firstPage = await Client.ListObjectsAsync(_bucket, "many/").ReadPageAsync(400, Cancellation);
        var folder = await Client.ListObjectsAsync(_bucket, "folder/", new ListObjectsOptions { Delimiter = "/" }).AsRawResponses().FirstAsync(Cancellation);

        Assert.Equal(Enumerable.Range(0, 1_050).Select(i => $"many/{i:d4}"), many.Select(item => item.Name));
        Assert.Equal(400, firstPage.Count());
        Assert.NotNull(firstPage.NextPageToken);
        Assert.Equal(["folder/a/", "folder/b/"], folder.Prefixes);
        Assert.Equal(["folder/top"], folder.Items.Select(item => item.Name));
    }

    [Fact]
    public async Task Names_with_any_characters_round_trip_through_every_call()
    {
        await CreateBucketAsync();
        const string name = "odd/100% sure #1? a+b = c d/ünï©ødé 😀";
        var content = RandomBytes(700);

        await Client.UploadObjectAsync(_bucket, name, "text/plain", new MemoryStream(content), cancellationToken: Cancellation);
        var described = await Client.GetObjectAsync(_bucket, name, cancellationToken: Cancellation);
        var copy = await Client.CopyObjectAsync(_bucket, name, _bucket, name + " copy", cancellationToken: Cancellation);
        var listed = await Client.ListObjectsAsync(_bucket, "odd/100% sure #1? a+b").Select(item => item.Name).ToListAsync(Cancellation);
        var downloaded = await DownloadBytesAsync(name);
        await Client.DeleteObjectAsync(_bucket, name, cancellationToken: Cancellation);

        Assert.Equal(name, described.Name);
        Assert.Equal(name + " copy", copy.Name);
        Assert.Equal([name, name + " copy"], listed);
        Assert.Equal(content, downloaded);
        Assert.Equal([name + " copy"], await Client.ListObjectsAsync(_bucket).Select(item => item.Name).ToListAsync(Cancellation));
    }

    [Fact]
    public async Task Listings_are_in_utf8_byte_order_as_in_gcs()
    {
        await CreateBucketAsync();
        // UTF-16 ordinal order would put the emoji (a surrogate pair) before U+FFFD; UTF-8 byte order puts it after.
        string[] names = ["a", "z", "\u00e9", "\ufffd", "😀"];
        foreach (var name in names)
        {
            await Client.UploadObjectAsync(_bucket, name, null, new MemoryStream([1]), cancellationToken: Cancellation);
        }

        var listed = await Client.ListObjectsAsync(_bucket, null, new ListObjectsOptions { PageSize = 2 }).Select(item => item.Name).ToListAsync(Cancellation);

        Assert.Equal(["a", "z", "\u00e9", "\ufffd", "😀"], listed);
    }

    [Fact]
    public async Task Delimited_listings_page_one_entry_at_a_time_without_losing_or_repeating_any()
    {
        await CreateBucketAsync();
        // "f/" is a folder placeholder object: with prefix "f/" it is an item, and the last entry of the first page.
        foreach (var name in new[] { "f/", "f/a/1", "f/a/2", "f/b", "f/c/1", "f/c/d/2", "f/d", "g" })
        {
            await Client.UploadObjectAsync(_bucket, name, null, new MemoryStream([1]), cancellationToken: Cancellation);
        }

        var pages = await Client.ListObjectsAsync(_bucket, "f/", new ListObjectsOptions { Delimiter = "/", PageSize = 1 }).AsRawResponses().ToListAsync(Cancellation);

        Assert.Equal(["f/", "f/a/", "f/b", "f/c/", "f/d"], pages.Select(page => page.Items?.Single().Name ?? page.Prefixes.Single()));
    }

    [Fact]
    public async Task A_generation_that_is_no_longer_live_is_not_found_and_nothing_is_deleted()
    {
        await CreateBucketAsync();
        var first = await Client.UploadObjectAsync(_bucket, "versioned", null, new MemoryStream([1]), cancellationToken: Cancellation);
        var second = await Client.UploadObjectAsync(_bucket, "versioned", null, new MemoryStream([2]), cancellationToken: Cancellation);

        var staleRead = await Assert.ThrowsAsync<GoogleApiException>(() =>
            Client.GetObjectAsync(_bucket, "versioned", new GetObjectOptions { Generation = first.Generation }, Cancellation));
        var staleDelete = await Assert.ThrowsAsync<GoogleApiException>(() =>
            Client.DeleteObjectAsync(_bucket, "versioned", new DeleteObjectOptions { Generation = first.Generation }, Cancellation));
        var staleCopy = await Assert.ThrowsAsync<GoogleApiException>(() =>
            Client.CopyObjectAsync(_bucket, "versioned", _bucket, "copy-of-old", new CopyObjectOptions { SourceGeneration = first.Generation }, Cancellation));
        var live = await Client.GetObjectAsync(_bucket, "versioned", new GetObjectOptions { Generation = second.Generation }, Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, staleRead.HttpStatusCode);
        Assert.Equal(HttpStatusCode.NotFound, staleDelete.HttpStatusCode);
        Assert.Equal(HttpStatusCode.NotFound, staleCopy.HttpStatusCode);
        Assert.Equal(second.Generation, live.Generation);
        Assert.Equal([2], await DownloadBytesAsync("versioned"));
    }

    [Fact]
    public async Task A_finished_resumable_session_answers_with_its_object_when_the_client_asks_again()
    {
        await CreateBucketAsync();
        var session = await emulator.Http.PostAsync($"{emulator.BaseUrl}/upload/storage/v1/b/{_bucket}/o?uploadType=resumable&name=answered-twice",
            new StringContent("{}", Encoding.UTF8, "application/json"), Cancellation);
        var sessionUri = session.Headers.Location!;
        var whole = new ByteArrayContent([1, 2, 3]);
        whole.Headers.TryAddWithoutValidation("Content-Range", "bytes 0-2/3");
        using var finished = await emulator.Http.PutAsync(sessionUri, whole, Cancellation);

        // As a client does when the response to its last chunk was lost.
        var status = new HttpRequestMessage(HttpMethod.Put, sessionUri) { Content = new ByteArrayContent([]) };
        status.Content.Headers.TryAddWithoutValidation("Content-Range", "bytes */3");
        using var again = await emulator.Http.SendAsync(status, Cancellation);
        using var body = JsonDocument.Parse(await again.Content.ReadAsStringAsync(Cancellation));

        Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("answered-twice", body.RootElement.GetProperty("name").GetString());
        Assert.Equal("3", body.RootElement.GetProperty("size").GetString());
    }

    [Fact]
    public async Task Generation_preconditions_hold_or_fail_with_412()
    {
        await CreateBucketAsync();
        var first = await Client.UploadObjectAsync(_bucket, "guarded", null, new MemoryStream([1]), new UploadObjectOptions { IfGenerationMatch = 0 }, Cancellation);

        var exists = await Assert.ThrowsAsync<GoogleApiException>(() =>
            Client.UploadObjectAsync(_bucket, "guarded", null, new MemoryStream([2]), new UploadObjectOptions { IfGenerationMatch = 0 }, Cancellation));
        var second = await Client.UploadObjectAsync(_bucket, "guarded", null, new MemoryStream([3]), new UploadObjectOptions { IfGenerationMatch = first.Generation }, Cancellation);
        var stale = await Assert.ThrowsAsync<GoogleApiException>(() =>
            Client.DeleteObjectAsync(_bucket, "guarded", new DeleteObjectOptions { IfGenerationMatch = first.Generation }, Cancellation));

        Assert.Equal(HttpStatusCode.PreconditionFailed, exists.HttpStatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.HttpStatusCode);
        Assert.True(second.Generation > first.Generation);
        Assert.Equal([3], await DownloadBytesAsync("guarded"));
    }

    [Fact]
    public async Task Of_concurrent_creates_with_if_generation_match_zero_exactly_one_wins()
    {
        await CreateBucketAsync();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(async writer =>
        {
            var response = await emulator.Http.PostAsync(
                $"{emulator.BaseUrl}/upload/storage/v1/b/{_bucket}/o?uploadType=media&name=contested&ifGenerationMatch=0",
                new ByteArrayContent([(byte)writer]), Cancellation);
            return response.StatusCode;
        }));

        Assert.Single(outcomes, status => status == HttpStatusCode.OK);
        Assert.All(outcomes.Where(status => status != HttpStatusCode.OK), status => Assert.Equal(HttpStatusCode.PreconditionFailed, status));
    }

    [Fact]
    public async Task Copy_and_rewrite_duplicate_content_and_can_replace_metadata()
    {
        await CreateBucketAsync();
        var content = RandomBytes(5000);
        var source = await Client.UploadObjectAsync(new GcsObject { Bucket = _bucket, Name = "source", Metadata = new Dictionary<string, string> { ["a"] = "1" } }, new MemoryStream(content), cancellationToken: Cancellation);

        var copy = await Client.CopyObjectAsync(_bucket, "source", _bucket, "copy", cancellationToken: Cancellation);
        var rewrite = await Client.Service.Objects.Rewrite(new GcsObject { Metadata = new Dictionary<string, string> { ["b"] = "2" } }, _bucket, "source", _bucket, "rewritten").ExecuteAsync(Cancellation);

        Assert.Equal(source.Md5Hash, copy.Md5Hash);
        Assert.Equal(source.Crc32c, copy.Crc32c);
        Assert.Equal("1", copy.Metadata["a"]);
        Assert.True(rewrite.Done);
        Assert.Equal("2", rewrite.Resource.Metadata["b"]);
        Assert.False(rewrite.Resource.Metadata.ContainsKey("a"));
        Assert.Equal(content, await DownloadBytesAsync("rewritten"));
    }

    [Fact]
    public void Crc32c_matches_the_castagnoli_check_value_and_gcs_encoding()
    {
        var crc = new Crc32C();
        crc.Append("123456789"u8);

        Assert.Equal(0xE3069283u, crc.Value);
        Assert.Equal(Convert.ToBase64String([0xE3, 0x06, 0x92, 0x83]), crc.ToBase64());
    }

    [Fact]
    public async Task Errors_have_the_shape_gcs_gives_them()
    {
        await CreateBucketAsync();

        using var response = await emulator.Http.GetAsync($"{emulator.BaseUrl}/storage/v1/b/{_bucket}/o/{Uri.EscapeDataString("no/such object")}", Cancellation);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        var error = body.RootElement.GetProperty("error");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(404, error.GetProperty("code").GetInt32());
        Assert.Contains("no/such object", error.GetProperty("message").GetString());
        Assert.Equal("notFound", error.GetProperty("errors")[0].GetProperty("reason").GetString());
        Assert.Equal("global", error.GetProperty("errors")[0].GetProperty("domain").GetString());
    }

    [Fact]
    public async Task Objects_and_unfinished_resumable_sessions_survive_a_restart()
    {
        await CreateBucketAsync();
        await Client.UploadObjectAsync(_bucket, "durable", null, new MemoryStream([7, 7, 7]), cancellationToken: Cancellation);
        var session = await emulator.Http.PostAsync($"{emulator.BaseUrl}/upload/storage/v1/b/{_bucket}/o?uploadType=resumable&name=resumed",
            new StringContent("{}", Encoding.UTF8, "application/json"), Cancellation);
        var sessionPath = session.Headers.Location!.PathAndQuery;
        var firstChunk = new ByteArrayContent(RandomBytes(256 * 1024)) { Headers = { ContentRange = new ContentRangeHeaderValue(0, 256 * 1024 - 1) } };
        Assert.Equal((HttpStatusCode)308, (await emulator.Http.PutAsync(emulator.BaseUrl + sessionPath, firstChunk, Cancellation)).StatusCode);

        await emulator.RestartAsync();

        var status = new HttpRequestMessage(HttpMethod.Put, emulator.BaseUrl + sessionPath) { Content = new ByteArrayContent([]) };
        status.Content.Headers.TryAddWithoutValidation("Content-Range", "bytes */*");
        using var statusResponse = await emulator.Http.SendAsync(status, Cancellation);
        var last = new ByteArrayContent([1, 2, 3]);
        last.Headers.TryAddWithoutValidation("Content-Range", $"bytes {256 * 1024}-{256 * 1024 + 2}/{256 * 1024 + 3}");
        using var finished = await emulator.Http.PutAsync(emulator.BaseUrl + sessionPath, last, Cancellation);

        Assert.Equal([7, 7, 7], await DownloadBytesAsync("durable"));
        Assert.Equal($"bytes=0-{256 * 1024 - 1}", statusResponse.Headers.GetValues("Range").Single());
        Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
        Assert.Equal((ulong)(256 * 1024 + 3), (await Client.GetObjectAsync(_bucket, "resumed", cancellationToken: Cancellation)).Size);
    }

    [Theory]
    [InlineData("GET", "/storage/v1/nothing-here")]
    [InlineData("POST", "/storage/v1/b")]
    public async Task Unknown_paths_and_invalid_requests_answer_in_the_gcs_error_shape(string method, string path)
    {
        using var response = await emulator.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), emulator.BaseUrl + path)
        {
            Content = new StringContent("""{"name":"no-project-given"}""", Encoding.UTF8, "application/json"),
        }, Cancellation);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        var error = body.RootElement.GetProperty("error");

        Assert.False(response.IsSuccessStatusCode);
        Assert.Equal((int)response.StatusCode, error.GetProperty("code").GetInt32());
        Assert.NotEmpty(error.GetProperty("errors")[0].GetProperty("reason").GetString()!);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    public async Task Health_endpoints_answer_outside_development_for_kubernetes_probes(string path)
    {
        using var response = await emulator.Http.GetAsync(emulator.BaseUrl + path, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(Cancellation));
    }

    private async Task CreateBucketAsync() => await Client.CreateBucketAsync("project", _bucket, cancellationToken: Cancellation);

    private async Task<byte[]> DownloadBytesAsync(string name)
    {
        using var buffer = new MemoryStream();
        await Client.DownloadObjectAsync(_bucket, name, buffer, cancellationToken: Cancellation);
        return buffer.ToArray();
    }

    private async Task<string> DownloadTextAsync(string name) => Encoding.UTF8.GetString(await DownloadBytesAsync(name));

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }
}
