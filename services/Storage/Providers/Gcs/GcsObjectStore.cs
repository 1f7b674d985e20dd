using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Google;
using Google.Cloud.Storage.V1;
using Platform.Storage.Configuration;
using GcsObject = Google.Apis.Storage.v1.Data.Object;

namespace Platform.Storage.Providers.Gcs;

/// <summary>
/// Google Cloud Storage (and the project's GCS emulator) through Google.Cloud.Storage.V1.
/// <para>
/// Small objects go up in one upload with metadata <c>sha256</c> already set. A large object's hash is known only after its last
/// byte, so it goes up as a resumable upload to a staging object and is then published under its final name by a rewrite that
/// sets the metadata; the rewrite is the atomic moment, with <c>ifGenerationMatch=0</c> for a create-only put. Reads fetch the
/// object's media and its description (headers) in one response, so size, hash and bytes always agree.
/// </para>
/// </summary>
public sealed class GcsObjectStore : ObjectStore, IServerSideCopy, IDisposable
{
    private readonly StorageClient _client;
    private readonly string _bucket;
    private readonly string? _projectId;
    private readonly int _smallObjectThreshold;
    private readonly string _downloadBase;

    public GcsObjectStore(string name, ObjectStoreOptions options)
        : base(name, options.DefaultCloud)
    {
        _bucket = options.Bucket ?? throw new ArgumentException($"Store '{name}' needs a Bucket.", nameof(options));
        _projectId = options.ProjectId;
        _smallObjectThreshold = options.SmallObjectThreshold;
        _client = options.Endpoint is { } endpoint
            ? new StorageClientBuilder { BaseUri = endpoint.TrimEnd('/') + "/storage/v1/", UnauthenticatedAccess = true }.Build()
            : StorageClient.Create();
        // Media downloads live beside the JSON API: https://storage.googleapis.com/download/storage/v1/...
        _downloadBase = _client.Service.BaseUri.Replace("/storage/v1/", "/download/storage/v1/", StringComparison.Ordinal);
    }

    public override ObjectStoreProvider Provider => ObjectStoreProvider.Gcs;

    public override async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _client.GetBucketAsync(_bucket, cancellationToken: cancellationToken);
        }
        catch (GoogleApiException exception) when (exception.HttpStatusCode == HttpStatusCode.NotFound)
        {
            try
            {
                await _client.CreateBucketAsync(_projectId ?? "platform", _bucket, cancellationToken: cancellationToken);
            }
            catch (GoogleApiException conflict) when (conflict.HttpStatusCode == HttpStatusCode.Conflict)
            {
            }
        }
    }

    protected override async Task<ObjectInfo> PutCoreAsync(string key, Stream content, PutOptions options, CancellationToken cancellationToken)
    {
        using var upload = await UploadContent.BeginAsync(content, _smallObjectThreshold, cancellationToken);
        var createOnly = new UploadObjectOptions { IfGenerationMatch = options.Overwrite ? null : 0 };
        if (upload.IsSmall)
        {
            upload.ThrowIfNotExpected(Name, key, options);
            var target = new GcsObject { Bucket = _bucket, Name = key, ContentType = options.ContentType, Metadata = MetadataWithHash(options, upload.Sha256) };
            return ToInfo(await CreateOnlyAware(key, () => _client.UploadObjectAsync(target, upload.OpenBuffered(), createOnly, cancellationToken)));
        }

        // The publishing rewrite's precondition decides; this only spares sending a large object that could not be published.
        if (!options.Overwrite && await GetObjectAsync(key, cancellationToken) is not null)
        {
            throw new ObjectAlreadyExistsException(Name, key);
        }
        var stagingKey = ObjectKey.NewStagingKey();
        try
        {
            var staged = await _client.UploadObjectAsync(new GcsObject { Bucket = _bucket, Name = stagingKey }, upload.Remainder, cancellationToken: cancellationToken);
            upload.ThrowIfNotExpected(Name, key, options);
            var metadata = MetadataWithHash(options, upload.Sha256);
            return ToInfo(await CreateOnlyAware(key, () => RewriteAsync(stagingKey, staged.Generation, key, options.ContentType, metadata, options.Overwrite, cancellationToken)));
        }
        finally
        {
            await DeleteCoreAsync(stagingKey, CancellationToken.None);
        }
    }

    public async Task<ObjectInfo> CopyAsync(string sourceKey, string destinationKey, PutOptions? options = null, CancellationToken cancellationToken = default)
    {
        (var source, var metadata, options) = await PrepareCopyAsync(sourceKey, destinationKey, options, cancellationToken);
        // The source may be replaced meanwhile: copy the generation whose recorded hash is the one the copy will carry.
        var current = await GetObjectAsync(sourceKey, cancellationToken);
        if (current is null || ToInfo(current).Sha256 != source.Sha256)
        {
            throw new ObjectStoreException($"Object '{ObjectKey.Printable(sourceKey)}' in store '{Name}' changed or vanished while it was being copied; copy it again.");
        }
        var contentType = options.ContentType ?? source.ContentType;
        var overwrite = options.Overwrite;
        try
        {
            return ToInfo(await CreateOnlyAware(destinationKey, () =>
                RewriteAsync(sourceKey, current.Generation, destinationKey, contentType, metadata, overwrite, cancellationToken)));
        }
        catch (GoogleApiException exception) when (exception.HttpStatusCode == HttpStatusCode.NotFound)
        {
            // The generation was replaced or deleted since it was looked up.
            throw new ObjectNotFoundException(Name, sourceKey, exception);
        }
        catch (GoogleApiException exception)
        {
            // Copies do not pass through the base class's translation, and no SDK exception may leave the store.
            throw TranslateProviderException(exception, "copy", sourceKey)!;
        }
    }

    /// <summary>
    /// Server-side copy of one source generation with new metadata; large rewrites take several calls, each continuing from
    /// the last token.
    /// </summary>
    private async Task<GcsObject> RewriteAsync(
        string sourceKey, long? sourceGeneration, string destinationKey, string? contentType, Dictionary<string, string> metadata, bool overwrite, CancellationToken cancellationToken)
    {
        var destination = new GcsObject { ContentType = contentType, Metadata = metadata };
        string? token = null;
        while (true)
        {
            var request = _client.Service.Objects.Rewrite(destination, _bucket, sourceKey, _bucket, destinationKey);
            request.RewriteToken = token;
            request.SourceGeneration = sourceGeneration;
            request.IfGenerationMatch = overwrite ? null : 0;
            var response = await request.ExecuteAsync(cancellationToken);
            if (response.Done == true)
            {
                return response.Resource;
            }
            token = response.RewriteToken;
        }
    }

    /// <summary>
    /// One media request: GCS answers downloads with the object's size, generation, content type and user metadata
    /// (x-goog-meta-*) in headers, so the bytes and their description come from the same generation. A server that leaves
    /// the metadata out gets one extra metadata request, pinned to the generation being read.
    /// </summary>
    protected override async Task<ObjectReadStream> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"{_downloadBase}b/{Uri.EscapeDataString(_bucket)}/o/{Uri.EscapeDataString(key)}?alt=media");
        if (options.Range is { } range)
        {
            request.Headers.Range = new RangeHeaderValue(range.Offset, range.LastByte);
        }
        var response = await _client.Service.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        try
        {
            switch (response.StatusCode)
            {
                case HttpStatusCode.NotFound:
                    throw new ObjectNotFoundException(Name, key);
                case HttpStatusCode.RequestedRangeNotSatisfiable:
                    // The range starts at or past the end: by this library's contract, that reads as empty.
                    var whole = await GetInfoCoreAsync(key, cancellationToken) ?? throw new ObjectNotFoundException(Name, key);
                    response.Dispose();
                    return new ObjectReadStream(Name, whole, Stream.Null, verify: false);
                case var status when !response.IsSuccessStatusCode:
                    throw new ObjectStoreException($"Reading '{key}' from store '{Name}' failed: HTTP {(int)status}.");
            }
            var info = await InfoFromHeadersAsync(key, response, cancellationToken);
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            return new ObjectReadStream(Name, info, stream, options.VerifySha256, owner: response);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private async Task<ObjectInfo> InfoFromHeadersAsync(string key, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        const string metadataPrefix = "x-goog-meta-";
        var metadata = response.Headers
            .Where(header => header.Key.StartsWith(metadataPrefix, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(header => header.Key[metadataPrefix.Length..].ToLowerInvariant(), header => header.Value.First());
        var size = Header(response, "x-goog-stored-content-length") is { } stored && long.TryParse(stored, out var parsed)
            ? parsed
            : response.Content.Headers.ContentRange?.Length ?? response.Content.Headers.ContentLength ?? 0;
        if (!metadata.ContainsKey(Sha256Hex.MetadataName) && long.TryParse(Header(response, "x-goog-generation"), out var generation))
        {
            var item = await _client.GetObjectAsync(_bucket, key, new GetObjectOptions { Generation = generation }, cancellationToken);
            return ToInfo(item);
        }
        var (sha256, rest) = SplitMetadata(metadata);
        return new ObjectInfo
        {
            Key = key,
            Size = size,
            Sha256 = sha256,
            ContentType = response.Content.Headers.ContentType?.ToString(),
            LastModified = response.Content.Headers.LastModified,
            Metadata = rest,
        };
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    protected override async Task<ObjectInfo?> GetInfoCoreAsync(string key, CancellationToken cancellationToken) =>
        await GetObjectAsync(key, cancellationToken) is { } item ? ToInfo(item) : null;

    private async Task<GcsObject?> GetObjectAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.GetObjectAsync(_bucket, key, cancellationToken: cancellationToken);
        }
        catch (GoogleApiException exception) when (exception.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    protected override async IAsyncEnumerable<ObjectInfo> ListCoreAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in _client.ListObjectsAsync(_bucket, prefix).WithCancellation(cancellationToken))
        {
            yield return ToInfo(item);
        }
    }

    protected override async Task<bool> DeleteCoreAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await _client.DeleteObjectAsync(_bucket, key, cancellationToken: cancellationToken);
            return true;
        }
        catch (GoogleApiException exception) when (exception.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public void Dispose() => _client.Dispose();

    protected override ObjectStoreException? TranslateProviderException(Exception exception, string operation, string key) =>
        exception is GoogleApiException google
            ? new ObjectStoreException($"GCS {operation} of '{ObjectKey.Printable(key)}' in store '{Name}' failed: HTTP {(int)google.HttpStatusCode}: {google.Error?.Message ?? google.Message}", exception)
            : null;

    private async Task<GcsObject> CreateOnlyAware(string key, Func<Task<GcsObject>> write)
    {
        try
        {
            return await write();
        }
        catch (GoogleApiException exception) when (exception.HttpStatusCode == HttpStatusCode.PreconditionFailed)
        {
            throw new ObjectAlreadyExistsException(Name, key, exception);
        }
    }

    private static ObjectInfo ToInfo(GcsObject item)
    {
        var (sha256, metadata) = SplitMetadata(item.Metadata);
        return new ObjectInfo
        {
            Key = item.Name,
            Size = (long)(item.Size ?? 0),
            Sha256 = sha256,
            ContentType = item.ContentType,
            LastModified = item.UpdatedDateTimeOffset,
            Metadata = metadata,
        };
    }
}
