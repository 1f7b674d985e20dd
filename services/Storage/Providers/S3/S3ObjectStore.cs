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
/// server-side multipart copy (see <see cref="PublishAsync"/>) whose Create call carries the metadata and whose Complete call
/// is the atomic moment, with <c>If-None-Match: *</c> for a create-only put.
/// </para>
/// <para>
/// Listings carry no user metadata in S3, so <see cref="ObjectInfo.Sha256"/> is null in them; use GetInfoAsync for one
/// object's hash. Filling it in would take a HEAD per key: a page of 1,000 keys would cost 1,001 requests instead of one,
/// and listing a large prefix would go from seconds to minutes.
/// </para>
/// <para>
/// The credentials need <c>s3:ListBucket</c> on the bucket: without it S3 answers 403 rather than 404 for a missing key,
/// and a missing object then surfaces as an <see cref="ObjectStoreException"/> instead of null or
/// <see cref="ObjectNotFoundException"/>.
/// </para>
/// </summary>
public sealed partial class S3ObjectStore : ObjectStore, IServerSideCopy, IPresignedUrls, IDisposable
{
    private const string MetadataPrefix = "x-amz-meta-";

    private readonly AmazonS3Client _client;
    private readonly string _bucket;
    private readonly int _smallObjectThreshold;
    private readonly bool _plainHttp;

    public S3ObjectStore(string name, ObjectStoreOptions options)
        : base(name, options.DefaultCloud)
    {
        _bucket = options.Bucket ?? throw new ArgumentException("An S3 store needs a Bucket.", nameof(options));
        _smallObjectThreshold = options.SmallObjectThreshold;
        var region = options.Region ?? "us-east-1";
        var config = new AmazonS3Config { RegionEndpoint = RegionEndpoint.GetBySystemName(region) };
        if (options.Endpoint is { } endpoint)
        {
            config.ServiceURL = endpoint;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = region;
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
            // PutBucketRequest.UseClientRegion (the default) sends the store's region as the LocationConstraint.
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
            var metadata = MetadataWithHash(options, upload.Sha256);
            await CreateOnlyAware(key, () =>
            {
                var request = new PutObjectRequest
                {
                    BucketName = _bucket,
                    Key = key,
                    InputStream = upload.OpenBuffered(),
                    ContentType = options.ContentType,
                    IfNoneMatch = options.Overwrite ? null : "*",
                };
                AddMetadata(request.Metadata, metadata);
                return _client.PutObjectAsync(request, cancellationToken);
            });
        }
        else
        {
            // The publishing Complete's If-None-Match decides; this only spares uploading a large object that could not be published.
            if (!options.Overwrite && await HeadAsync(key, cancellationToken) is not null)
            {
                throw new ObjectAlreadyExistsException(Name, key);
            }
            var stagingKey = ObjectKey.NewStagingKey();
            try
            {
                await S3MultipartUpload.UploadAsync(_client, _bucket, stagingKey, upload.Remainder, cancellationToken);
                upload.ThrowIfNotExpected(Name, key, options);
                // Nothing else writes a fresh staging key, so the copy needs no pinning to its ETag.
                await PublishAsync(new CopySource(stagingKey, upload.Length, ETag: null), key, MetadataWithHash(options, upload.Sha256), options, cancellationToken);
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

    protected override async Task<ObjectReadStream> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        var request = new GetObjectRequest { BucketName = _bucket, Key = key };
        if (options.Range is { } range)
        {
            request.ByteRange = range.Length is null
                ? new Amazon.S3.Model.ByteRange($"bytes={range.Offset}-")
                : new Amazon.S3.Model.ByteRange(range.Offset, range.LastByte!.Value);
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
        if (await HeadAsync(key, cancellationToken) is not { } response)
        {
            return null;
        }
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
        if (await HeadAsync(key, cancellationToken) is null)
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

    /// <summary>The object's headers, or null when there is no such object.</summary>
    private async Task<GetObjectMetadataResponse?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.GetObjectMetadataAsync(_bucket, key, cancellationToken);
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
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
