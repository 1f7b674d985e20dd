using System.Net;
using System.Runtime.CompilerServices;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Platform.Storage.Configuration;

namespace Platform.Storage.Providers.S3;

/// <summary>
/// Amazon S3 (and S3-compatible services: MinIO, moto) through AWSSDK.S3.
/// <para>
/// Small objects go up in one PutObject with <c>x-amz-meta-sha256</c> already set. A large object's hash is known only after
/// its last byte, so it goes up as a multipart upload to a staging key, and is then published under its final key by a
/// server-side multipart copy whose Create call carries the metadata and whose Complete call is the atomic moment (with
/// <c>If-None-Match: *</c> for a create-only put). A multipart copy, unlike CopyObject, works for objects of any size.
/// </para>
/// <para>Listings carry no user metadata in S3, so <see cref="ObjectInfo.Sha256"/> is null in them; use GetInfoAsync.</para>
/// </summary>
public sealed class S3ObjectStore : ObjectStore, IServerSideCopy, IPresignedUrls, IDisposable
{
    private const long CopyPartSize = 1L << 30;
    private const string MetadataPrefix = "x-amz-meta-";

    private readonly AmazonS3Client _client;
    private readonly string _bucket;
    private readonly int _smallObjectThreshold;
    private readonly bool _plainHttp;

    public S3ObjectStore(string name, ObjectStoreOptions options)
        : base(name, options.DefaultCloud)
    {
        _bucket = options.Bucket!;
        _smallObjectThreshold = options.SmallObjectThreshold;
        var config = new AmazonS3Config { RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region ?? "us-east-1") };
        if (options.Endpoint is { } endpoint)
        {
            config.ServiceURL = endpoint;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = options.Region ?? "us-east-1";
            _plainHttp = endpoint.StartsWith("http://", StringComparison.OrdinalIgnoreCase);
        }
        _client = options.AccessKey is { Length: > 0 } accessKey
            ? new AmazonS3Client(new BasicAWSCredentials(accessKey, options.SecretKey), config)
            : new AmazonS3Client(config);
    }

    public override ObjectStoreProvider Provider => ObjectStoreProvider.S3;

    public override async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _client.PutBucketAsync(new PutBucketRequest { BucketName = _bucket }, cancellationToken);
        }
        catch (AmazonS3Exception exception) when (exception.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
        }
    }

    protected override async Task<ObjectInfo> PutCoreAsync(string key, Stream content, PutOptions options, CancellationToken cancellationToken)
    {
        using var upload = await UploadContent.BeginAsync(content, _smallObjectThreshold, cancellationToken);
        if (upload.IsSmall)
        {
            upload.ThrowIfNotExpected(Name, key, options);
            var request = new PutObjectRequest
            {
                BucketName = _bucket,
                Key = key,
                InputStream = upload.OpenBuffered(),
                ContentType = options.ContentType,
                IfNoneMatch = options.Overwrite ? null : "*",
            };
            AddMetadata(request.Metadata, MetadataWithHash(options, upload.Sha256));
            await CreateOnlyAware(key, () => _client.PutObjectAsync(request, cancellationToken));
        }
        else
        {
            var stagingKey = ObjectKey.NewStagingKey();
            try
            {
                await S3MultipartUpload.UploadAsync(_client, _bucket, stagingKey, upload.Remainder, cancellationToken);
                upload.ThrowIfNotExpected(Name, key, options);
                await CopyAsync(stagingKey, upload.Length, key, MetadataWithHash(options, upload.Sha256), options, cancellationToken);
            }
            finally
            {
                await _client.DeleteObjectAsync(_bucket, stagingKey, CancellationToken.None);
            }
        }
        // What was sent describes the object; reading it back would cost a request per put (and could see a later writer's object).
        return new ObjectInfo
        {
            Key = key,
            Size = upload.Length,
            Sha256 = upload.Sha256,
            ContentType = options.ContentType,
            Metadata = options.Metadata ?? ObjectInfo.EmptyMetadata,
        };
    }

    public Task<ObjectInfo> CopyAsync(string sourceKey, string destinationKey, PutOptions? options = null, CancellationToken cancellationToken = default) =>
        Translated("copy", sourceKey, async () =>
        {
            (var source, var metadata, var checkedOptions) = await PrepareCopyAsync(sourceKey, destinationKey, options, cancellationToken);
            await CopyAsync(sourceKey, source.Size, destinationKey, metadata, checkedOptions with { ContentType = checkedOptions.ContentType ?? source.ContentType }, cancellationToken);
            return await GetInfoCoreAsync(destinationKey, cancellationToken) ?? throw new ObjectNotFoundException(Name, destinationKey);
        });

    /// <summary>Publishes <paramref name="sourceKey"/> under <paramref name="destinationKey"/> with new metadata, atomically.</summary>
    private async Task CopyAsync(string sourceKey, long size, string destinationKey, Dictionary<string, string> metadata, PutOptions options, CancellationToken cancellationToken)
    {
        var create = new InitiateMultipartUploadRequest { BucketName = _bucket, Key = destinationKey, ContentType = options.ContentType };
        AddMetadata(create.Metadata, metadata);
        var uploadId = (await _client.InitiateMultipartUploadAsync(create, cancellationToken)).UploadId;
        try
        {
            var parts = new List<PartETag>();
            for (long offset = 0, part = 1; offset < size || part == 1; offset += CopyPartSize, part++)
            {
                var copy = new CopyPartRequest
                {
                    SourceBucket = _bucket,
                    SourceKey = sourceKey,
                    DestinationBucket = _bucket,
                    DestinationKey = destinationKey,
                    UploadId = uploadId,
                    PartNumber = (int)part,
                };
                if (size > 0)
                {
                    copy.FirstByte = offset;
                    copy.LastByte = Math.Min(offset + CopyPartSize, size) - 1;
                }
                var response = await _client.CopyPartAsync(copy, cancellationToken);
                parts.Add(new PartETag((int)part, response.ETag));
            }
            await CreateOnlyAware(destinationKey, () => _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = _bucket,
                Key = destinationKey,
                UploadId = uploadId,
                PartETags = parts,
                IfNoneMatch = options.Overwrite ? null : "*",
            }, cancellationToken));
        }
        catch
        {
            await _client.AbortMultipartUploadAsync(_bucket, destinationKey, uploadId, CancellationToken.None);
            throw;
        }
    }

    protected override async Task<ObjectReadStream> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        var request = new GetObjectRequest { BucketName = _bucket, Key = key };
        if (options.Range is { } range)
        {
            request.ByteRange = range.Length is null ? new Amazon.S3.Model.ByteRange($"bytes={range.Offset}-") : new Amazon.S3.Model.ByteRange(range.Offset, range.LastByte!.Value);
        }
        GetObjectResponse response;
        try
        {
            response = await _client.GetObjectAsync(request, cancellationToken);
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ObjectNotFoundException(Name, key, exception);
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // The range starts at or past the end: by this library's contract, that reads as empty.
            var info = await GetInfoCoreAsync(key, cancellationToken) ?? throw new ObjectNotFoundException(Name, key, exception);
            return new ObjectReadStream(Name, info, Stream.Null, verify: false);
        }

        var (sha256, metadata) = SplitS3Metadata(response.Metadata);
        var objectInfo = new ObjectInfo
        {
            Key = key,
            Size = TotalSize(response),
            Sha256 = sha256,
            ContentType = response.Headers.ContentType,
            LastModified = response.LastModified,
            Metadata = metadata,
        };
        return new ObjectReadStream(Name, objectInfo, response.ResponseStream, options.VerifySha256, owner: response);
    }

    protected override async Task<ObjectInfo?> GetInfoCoreAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.GetObjectMetadataAsync(_bucket, key, cancellationToken);
            var (sha256, metadata) = SplitS3Metadata(response.Metadata);
            return new ObjectInfo
            {
                Key = key,
                Size = response.ContentLength,
                Sha256 = sha256,
                ContentType = response.Headers.ContentType,
                LastModified = response.LastModified,
                Metadata = metadata,
            };
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    protected override async IAsyncEnumerable<ObjectInfo> ListCoreAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pages = _client.Paginators.ListObjectsV2(new ListObjectsV2Request { BucketName = _bucket, Prefix = prefix });
        await foreach (var item in pages.S3Objects.WithCancellation(cancellationToken))
        {
            yield return new ObjectInfo { Key = item.Key, Size = item.Size ?? 0, LastModified = item.LastModified };
        }
    }

    protected override async Task<bool> DeleteCoreAsync(string key, CancellationToken cancellationToken)
    {
        // S3 deletes succeed whether or not the key exists; the contract reports which it was.
        if (await GetInfoCoreAsync(key, cancellationToken) is null)
        {
            return false;
        }
        await _client.DeleteObjectAsync(_bucket, key, cancellationToken);
        return true;
    }

    public Uri GetPresignedReadUrl(string key, TimeSpan validFor)
    {
        ObjectKey.Validate(key);
        return new Uri(_client.GetPreSignedURL(new GetPreSignedUrlRequest
        {
            BucketName = _bucket,
            Key = key,
            Verb = HttpVerb.GET,
            Expires = DateTime.UtcNow + validFor,
            Protocol = _plainHttp ? Protocol.HTTP : Protocol.HTTPS,
        }));
    }

    public void Dispose() => _client.Dispose();

    protected override ObjectStoreException? TranslateProviderException(Exception exception, string operation, string key) =>
        exception is AmazonServiceException service
            ? new ObjectStoreException($"S3 {operation} of '{ObjectKey.Printable(key)}' in store '{Name}' failed: HTTP {(int)service.StatusCode} {service.ErrorCode}: {service.Message}", exception)
            : null;

    /// <summary>Runs a write that may carry <c>If-None-Match: *</c>, turning S3's refusal into the library's exception.</summary>
    private async Task CreateOnlyAware(string key, Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict)
        {
            // 412: the key exists; 409 ConditionalRequestConflict: a concurrent conditional write to the key won.
            throw new ObjectAlreadyExistsException(Name, key, exception);
        }
    }

    private static long TotalSize(GetObjectResponse response)
    {
        // A ranged response's Content-Range ends in "/<total size>".
        var contentRange = response.ContentRange;
        return contentRange is not null && long.TryParse(contentRange[(contentRange.LastIndexOf('/') + 1)..], out var total)
            ? total
            : response.ContentLength;
    }

    // Metadata travels as x-amz-meta-* headers, and WSGI-based servers and some proxies turn '_' in header names into '-'
    // or drop the header. Names in this library never contain '-', so '_' is sent as '-' and mapped back, losslessly.
    private static void AddMetadata(MetadataCollection target, Dictionary<string, string> metadata)
    {
        foreach (var (name, value) in metadata)
        {
            target.Add(name.Replace('_', '-'), value);
        }
    }

    private static (string? Sha256, IReadOnlyDictionary<string, string> Metadata) SplitS3Metadata(MetadataCollection metadata) =>
        SplitMetadata(metadata.Keys.ToDictionary(
            name => (name.StartsWith(MetadataPrefix, StringComparison.OrdinalIgnoreCase) ? name[MetadataPrefix.Length..] : name).Replace('-', '_'),
            name => metadata[name]));
}
