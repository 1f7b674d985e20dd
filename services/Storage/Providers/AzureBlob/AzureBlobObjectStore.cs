using System.Runtime.CompilerServices;
using System.Text;
using Azure;
using Azure.Identity;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Platform.Storage.Configuration;

namespace Platform.Storage.Providers.AzureBlob;

/// <summary>
/// Azure Blob Storage (and Azurite) through Azure.Storage.Blobs, as block blobs.
/// <para>
/// Small objects go up in one Put Blob with metadata <c>sha256</c> already set. A large object is staged as uncommitted blocks
/// (invisible to readers) and made visible by one Put Block List that carries the metadata, known by then: the commit is the
/// atomic moment, conditional (<c>If-None-Match: *</c>) for a create-only put.
/// </para>
/// <para>
/// Uncommitted blocks belong to the blob name, and a commit or Put Blob by another writer to that name discards them. So when
/// two writers put the same key at once, a large upload that loses the race fails at its commit: with
/// <see cref="ObjectAlreadyExistsException"/> (create-only) or an <see cref="ObjectStoreException"/> telling the caller to
/// retry (overwrite); never with a mixed object, since every upload's block ids carry its own prefix. The alternative, staging
/// under a private name and copying into place, is not atomic on Azure (a pending Copy Blob leaves the destination partial),
/// and re-staging blocks from that copy with Put Block From URL writes every byte twice to only narrow the same race.
/// </para>
/// </summary>
public sealed partial class AzureBlobObjectStore : ObjectStore, IServerSideCopy, IPresignedUrls
{
    /// <summary>What the service records for a blob written without a content type; put results report the same.</summary>
    private const string DefaultContentType = "application/octet-stream";

    private readonly BlobContainerClient _container;
    private readonly int _smallObjectThreshold;

    public AzureBlobObjectStore(string name, ObjectStoreOptions options)
        : base(name, options.DefaultCloud)
    {
        if (string.IsNullOrWhiteSpace(options.Container))
        {
            throw new InvalidOperationException($"Storage:Stores:{name}:Container is required for an AzureBlob store.");
        }
        // A connection string carries an account key or a SAS (Azurite, or an account with shared keys). Without one, the
        // account's blob endpoint and Entra ID: DefaultAzureCredential is workload identity on AKS (the webhook sets
        // AZURE_CLIENT_ID and the federated token file), a managed identity on a VM, the developer's az login locally.
        _container = options.ConnectionString is { Length: > 0 } connectionString
            ? new BlobContainerClient(connectionString, options.Container, ClientOptions())
            : new BlobContainerClient(
                new Uri($"{(options.Endpoint ?? throw new InvalidOperationException($"Storage:Stores:{name}: an AzureBlob store needs ConnectionString or Endpoint.")).TrimEnd('/')}/{options.Container}"),
                new DefaultAzureCredential(),
                ClientOptions());
        _smallObjectThreshold = options.SmallObjectThreshold;
    }

    private static BlobClientOptions ClientOptions()
    {
        var options = new BlobClientOptions();
        // The service checks every upload body against an MD5 computed here, so bytes damaged on the way are refused instead of
        // stored under a SHA-256 they do not have. CRC64 (the SDK's Auto) is cheaper, but Azurite rejects its request format.
        options.TransferValidation.Upload.ChecksumAlgorithm = StorageChecksumAlgorithm.MD5;
        // The service MD5s at most 4 MiB of a download, so downloads are not checked in transit; ReadOptions.VerifySha256 checks
        // whole reads end to end instead.
        options.TransferValidation.Download.ChecksumAlgorithm = StorageChecksumAlgorithm.None;
        return options;
    }

    public override ObjectStoreProvider Provider => ObjectStoreProvider.AzureBlob;

    public override async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
        catch (RequestFailedException exception)
        {
            throw Failure($"creating container '{_container.Name}'", exception);
        }
    }

    protected override async Task<ObjectInfo> PutCoreAsync(string key, Stream content, PutOptions options, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlockBlobClient(key);
        var headers = new BlobHttpHeaders { ContentType = options.ContentType ?? DefaultContentType };
        using var upload = await UploadContent.BeginAsync(content, _smallObjectThreshold, cancellationToken);
        BlobContentInfo written;
        try
        {
            if (upload.IsSmall)
            {
                upload.ThrowIfNotExpected(Name, key, options);
                written = await blob.UploadAsync(upload.OpenBuffered(), new BlobUploadOptions
                {
                    HttpHeaders = headers,
                    Metadata = MetadataWithHash(options, upload.Sha256),
                    Conditions = CreateOnly(options),
                }, cancellationToken);
            }
            else
            {
                // The commit decides, but a create-only put should not send gigabytes only to be refused at the end.
                if (!options.Overwrite && await blob.ExistsAsync(cancellationToken))
                {
                    throw new ObjectAlreadyExistsException(Name, key);
                }
                var blockIds = await StageBlocksAsync(blob, upload.Remainder, cancellationToken);
                upload.ThrowIfNotExpected(Name, key, options);
                written = await blob.CommitBlockListAsync(blockIds, new CommitBlockListOptions
                {
                    HttpHeaders = headers,
                    Metadata = MetadataWithHash(options, upload.Sha256),
                    Conditions = CreateOnly(options),
                }, cancellationToken);
            }
        }
        catch (RequestFailedException exception)
        {
            throw WriteFailure(key, options, exception);
        }
        // Described from what was sent, not read back: a later writer to the key must not change what this put reports.
        return Info(key, upload.Length, MetadataWithHash(options, upload.Sha256), headers.ContentType, written.LastModified);
    }

    /// <summary>Stages the content as uncommitted blocks of <paramref name="blob"/> and returns their ids in order.</summary>
    private static async Task<IReadOnlyList<string>> StageBlocksAsync(BlockBlobClient blob, Stream content, CancellationToken cancellationToken)
    {
        // The per-upload prefix keeps concurrent uploads to one name from committing each other's blocks; the service
        // wants every block id of a blob to have the same length, which the fixed format gives.
        var uploadId = Guid.NewGuid().ToString("n");
        return await PartedUpload.UploadAsync(content, async (partNumber, part, token) =>
        {
            var blockId = Convert.ToBase64String(Encoding.ASCII.GetBytes($"{uploadId}-{partNumber:d6}"));
            await blob.StageBlockAsync(blockId, part, cancellationToken: token);
            return blockId;
        }, cancellationToken);
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
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            throw new ObjectNotFoundException(Name, key, exception);
        }
        catch (RequestFailedException exception) when (exception.Status == 416)
        {
            // The range starts at or past the end: by this library's contract, that reads as empty.
            var info = await GetInfoCoreAsync(key, cancellationToken) ?? throw new ObjectNotFoundException(Name, key, exception);
            return new ObjectReadStream(Name, info, Stream.Null, verify: false);
        }
        catch (RequestFailedException exception)
        {
            throw Failure($"reading '{key}'", exception);
        }

        var details = result.Details;
        var objectInfo = Info(key, TotalSize(details.ContentRange) ?? details.ContentLength, details.Metadata, details.ContentType, details.LastModified);
        return new ObjectReadStream(Name, objectInfo, result.Content, options.VerifySha256, owner: result);
    }

    protected override async Task<ObjectInfo?> GetInfoCoreAsync(string key, CancellationToken cancellationToken) =>
        await GetPropertiesAsync(key, cancellationToken) is { } properties
            ? Info(key, properties.ContentLength, properties.Metadata, properties.ContentType, properties.LastModified)
            : null;

    private async Task<BlobProperties?> GetPropertiesAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return (await _container.GetBlobClient(key).GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null;
        }
        catch (RequestFailedException exception)
        {
            throw Failure($"reading the properties of '{key}'", exception);
        }
    }

    protected override async IAsyncEnumerable<ObjectInfo> ListCoreAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Metadata comes with each item, so listings carry the SHA-256 at no extra request.
        var options = new GetBlobsOptions { Traits = BlobTraits.Metadata, Prefix = prefix };
        await using var items = _container.GetBlobsAsync(options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await items.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (RequestFailedException exception)
            {
                throw Failure($"listing '{prefix}'", exception);
            }
            var item = items.Current;
            yield return Info(item.Name, item.Properties.ContentLength ?? 0, item.Metadata, item.Properties.ContentType, item.Properties.LastModified);
        }
    }

    protected override async Task<bool> DeleteCoreAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            // Snapshots go with the blob: a deleted key should not keep old content around or refuse to go.
            return (await _container.GetBlobClient(key).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException exception)
        {
            throw Failure($"deleting '{key}'", exception);
        }
    }

    private static BlobRequestConditions? CreateOnly(PutOptions options) =>
        options.Overwrite ? null : new BlobRequestConditions { IfNoneMatch = ETag.All };

    private static ObjectInfo Info(string key, long size, IDictionary<string, string>? storedMetadata, string? contentType, DateTimeOffset? lastModified)
    {
        var (sha256, metadata) = SplitMetadata(storedMetadata);
        return new ObjectInfo
        {
            Key = key,
            Size = size,
            Sha256 = sha256,
            ContentType = contentType,
            LastModified = lastModified,
            Metadata = metadata,
        };
    }

    /// <summary>The object's whole size from a ranged response's <c>Content-Range: bytes a-b/total</c>.</summary>
    private static long? TotalSize(string? contentRange) =>
        contentRange is not null && long.TryParse(contentRange[(contentRange.LastIndexOf('/') + 1)..], out var total) ? total : null;
}
