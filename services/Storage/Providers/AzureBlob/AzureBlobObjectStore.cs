using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;
using Platform.Storage.Configuration;

namespace Platform.Storage.Providers.AzureBlob;

/// <summary>
/// Azure Blob Storage (and Azurite) through Azure.Storage.Blobs, as block blobs.
/// <para>
/// Small objects go up in one Put Blob with metadata <c>sha256</c> already set. A large object is staged as uncommitted blocks
/// (invisible to readers) and made visible by one Put Block List that carries the metadata, known by then: the commit is the
/// atomic moment, conditional (<c>If-None-Match: *</c>) for a create-only put. Uncommitted blocks belong to the blob name, so
/// when two writers stage large objects under the same name at once, the first commit discards the other's blocks and the
/// other's commit fails: that writer gets <see cref="ObjectAlreadyExistsException"/> (create-only) or an
/// <see cref="ObjectStoreException"/> saying it lost a race (overwrite), never a mixed object.
/// </para>
/// </summary>
public sealed class AzureBlobObjectStore : ObjectStore, IServerSideCopy, IPresignedUrls
{
    private readonly BlobContainerClient _container;
    private readonly int _smallObjectThreshold;

    public AzureBlobObjectStore(string name, ObjectStoreOptions options)
        : base(name, options.DefaultCloud)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new InvalidOperationException(
                $"Storage:Stores:{name}: the AzureBlob provider needs a ConnectionString (an account key or SAS); " +
                "Entra ID / workload identity sign-in is not wired in yet.");
        }
        var clientOptions = new BlobClientOptions();
        // Azurite cannot validate CRC64 transfer checksums; MD5 works everywhere. Downloads are checked end to end by SHA-256.
        clientOptions.TransferValidation.Upload.ChecksumAlgorithm = StorageChecksumAlgorithm.MD5;
        clientOptions.TransferValidation.Download.ChecksumAlgorithm = StorageChecksumAlgorithm.None;
        _container = new BlobContainerClient(options.ConnectionString, options.Container, clientOptions);
        _smallObjectThreshold = options.SmallObjectThreshold;
    }

    public override ObjectStoreProvider Provider => ObjectStoreProvider.AzureBlob;

    public override async Task EnsureCreatedAsync(CancellationToken cancellationToken = default) =>
        await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    protected override async Task<ObjectInfo> PutCoreAsync(string key, Stream content, PutOptions options, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlockBlobClient(key);
        var conditions = options.Overwrite ? null : new BlobRequestConditions { IfNoneMatch = ETag.All };
        var headers = new BlobHttpHeaders { ContentType = options.ContentType };
        using var upload = await UploadContent.BeginAsync(content, _smallObjectThreshold, cancellationToken);
        await CreateOnlyAware(key, options, async () =>
        {
            if (upload.IsSmall)
            {
                upload.ThrowIfNotExpected(Name, key, options);
                await blob.UploadAsync(upload.OpenBuffered(), new BlobUploadOptions
                {
                    HttpHeaders = headers,
                    Metadata = MetadataWithHash(options, upload.Sha256),
                    Conditions = conditions,
                }, cancellationToken);
                return;
            }

            // Block ids must all have the same length; a per-upload prefix keeps concurrent uploads' blocks apart.
            var uploadId = Guid.NewGuid().ToString("n");
            var blockIds = await PartedUpload.UploadAsync(upload.Remainder, async (partNumber, part, token) =>
            {
                var blockId = Convert.ToBase64String(Encoding.ASCII.GetBytes($"{uploadId}-{partNumber:d6}"));
                await blob.StageBlockAsync(blockId, part, cancellationToken: token);
                return blockId;
            }, cancellationToken);
            upload.ThrowIfNotExpected(Name, key, options);
            await blob.CommitBlockListAsync(blockIds, new CommitBlockListOptions
            {
                HttpHeaders = headers,
                Metadata = MetadataWithHash(options, upload.Sha256),
                Conditions = conditions,
            }, cancellationToken);
        });
        return await GetInfoCoreAsync(key, cancellationToken) ?? throw new ObjectStoreException($"Object '{key}' vanished from store '{Name}' right after it was written.");
    }

    public async Task<ObjectInfo> CopyAsync(string sourceKey, string destinationKey, PutOptions? options = null, CancellationToken cancellationToken = default)
    {
        ObjectKey.Validate(sourceKey);
        ObjectKey.Validate(destinationKey);
        options ??= PutOptions.Default;
        var source = await GetInfoCoreAsync(sourceKey, cancellationToken) ?? throw new ObjectNotFoundException(Name, sourceKey);
        var metadata = new Dictionary<string, string>(options.Metadata ?? source.Metadata);
        if (source.Sha256 is { } sha256)
        {
            metadata[Sha256Hex.MetadataName] = sha256;
        }
        await CreateOnlyAware(destinationKey, options, async () =>
        {
            var copy = await _container.GetBlobClient(destinationKey).StartCopyFromUriAsync(_container.GetBlobClient(sourceKey).Uri, new BlobCopyFromUriOptions
            {
                Metadata = metadata,
                DestinationConditions = options.Overwrite ? null : new BlobRequestConditions { IfNoneMatch = ETag.All },
            }, cancellationToken);
            await copy.WaitForCompletionAsync(cancellationToken);
        });
        return await GetInfoCoreAsync(destinationKey, cancellationToken) ?? throw new ObjectNotFoundException(Name, destinationKey);
    }

    protected override async Task<ObjectReadStream> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        var download = new BlobDownloadOptions();
        if (options.Range is { } range)
        {
            download.Range = new HttpRange(range.Offset, range.Length);
        }
        BlobDownloadStreamingResult result;
        try
        {
            result = (await _container.GetBlobClient(key).DownloadStreamingAsync(download, cancellationToken)).Value;
        }
        catch (RequestFailedException exception) when (exception.Status == (int)HttpStatusCode.NotFound)
        {
            throw new ObjectNotFoundException(Name, key, exception);
        }
        catch (RequestFailedException exception) when (exception.Status == (int)HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // The range starts at or past the end: by this library's contract, that reads as empty.
            var info = await GetInfoCoreAsync(key, cancellationToken) ?? throw new ObjectNotFoundException(Name, key, exception);
            return new ObjectReadStream(Name, info, Stream.Null, verify: false);
        }

        var details = result.Details;
        var (sha256, metadata) = SplitMetadata(details.Metadata);
        var objectInfo = new ObjectInfo
        {
            Key = key,
            Size = TotalSize(details.ContentRange) ?? details.ContentLength,
            Sha256 = sha256,
            ContentType = details.ContentType,
            LastModified = details.LastModified,
            Metadata = metadata,
        };
        return new ObjectReadStream(Name, objectInfo, result.Content, options.VerifySha256, owner: result);
    }

    protected override async Task<ObjectInfo?> GetInfoCoreAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var properties = (await _container.GetBlobClient(key).GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            var (sha256, metadata) = SplitMetadata(properties.Metadata);
            return new ObjectInfo
            {
                Key = key,
                Size = properties.ContentLength,
                Sha256 = sha256,
                ContentType = properties.ContentType,
                LastModified = properties.LastModified,
                Metadata = metadata,
            };
        }
        catch (RequestFailedException exception) when (exception.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    protected override async IAsyncEnumerable<ObjectInfo> ListCoreAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in _container.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, prefix, cancellationToken))
        {
            var (sha256, metadata) = SplitMetadata(item.Metadata);
            yield return new ObjectInfo
            {
                Key = item.Name,
                Size = item.Properties.ContentLength ?? 0,
                Sha256 = sha256,
                ContentType = item.Properties.ContentType,
                LastModified = item.Properties.LastModified,
                Metadata = metadata,
            };
        }
    }

    protected override async Task<bool> DeleteCoreAsync(string key, CancellationToken cancellationToken) =>
        (await _container.GetBlobClient(key).DeleteIfExistsAsync(cancellationToken: cancellationToken)).Value;

    public Uri GetPresignedReadUrl(string key, TimeSpan validFor)
    {
        ObjectKey.Validate(key);
        var blob = _container.GetBlobClient(key);
        return blob.CanGenerateSasUri
            ? blob.GenerateSasUri(BlobSasPermissions.Read, DateTimeOffset.UtcNow + validFor)
            : throw new InvalidOperationException($"Store '{Name}' signs in without an account key, so it cannot issue SAS URLs.");
    }

    /// <summary>Turns the service's refusals of a conditional or racing write into the library's exceptions.</summary>
    private async Task CreateOnlyAware(string key, PutOptions options, Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (RequestFailedException exception) when (exception.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
        {
            throw new ObjectAlreadyExistsException(Name, key, exception);
        }
        catch (RequestFailedException exception) when (exception.ErrorCode == BlobErrorCode.InvalidBlockList)
        {
            // Another writer committed this name while our blocks were staged, which discarded them.
            if (!options.Overwrite)
            {
                throw new ObjectAlreadyExistsException(Name, key, exception);
            }
            throw new ObjectStoreException($"Object '{key}' in store '{Name}' was written by another client during this upload; nothing of this upload was kept. Retry it.", exception);
        }
    }

    private static long? TotalSize(string? contentRange) =>
        contentRange is not null && long.TryParse(contentRange[(contentRange.LastIndexOf('/') + 1)..], out var total) ? total : null;
}
