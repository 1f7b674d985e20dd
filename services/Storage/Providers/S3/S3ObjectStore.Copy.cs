using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace Platform.Storage.Providers.S3;

public sealed partial class S3ObjectStore
{
    // UploadPartCopy takes parts of 5 MiB to 5 GiB and an upload at most 10,000 of them. 64 MiB parts, a few copied at once,
    // let S3 copy a large object in parallel; past 625 GiB the parts grow so that 10,000 of them still cover it.
    private const long MinCopyPartSize = 64L * 1024 * 1024;
    private const int MaxParts = 10_000;
    private const int CopyPartsInFlight = 4;

    /// <summary>An object to copy from: its key, its size, and the ETag to pin the copy to (null: no pinning needed).</summary>
    private readonly record struct CopySource(string Key, long Size, string? ETag);

    public Task<ObjectInfo> CopyAsync(string sourceKey, string destinationKey, PutOptions? options = null, CancellationToken cancellationToken = default) =>
        Translated("copy", sourceKey, async () =>
        {
            (var source, var metadata, var checkedOptions) = await PrepareCopyAsync(sourceKey, destinationKey, options, cancellationToken);
            // The source may be replaced meanwhile: pin the copy to the ETag of the version whose hash it will carry.
            var current = await HeadAsync(sourceKey, cancellationToken);
            if (current is null || SplitS3Metadata(current.Metadata).Sha256 != source.Sha256)
            {
                throw SourceChanged(sourceKey);
            }
            var contentType = checkedOptions.ContentType ?? source.ContentType;
            await PublishAsync(new CopySource(sourceKey, current.ContentLength, current.ETag), destinationKey, metadata, checkedOptions with { ContentType = contentType }, cancellationToken);
            var (sha256, rest) = SplitMetadata(metadata);
            return new ObjectInfo { Key = destinationKey, Size = current.ContentLength, Sha256 = sha256, ContentType = contentType, Metadata = rest };
        });

    /// <summary>
    /// Makes <paramref name="source"/> visible under <paramref name="destinationKey"/> with new metadata, in one atomic step:
    /// a multipart upload created with the metadata, whose parts are UploadPartCopy ranges of the source, and whose Complete
    /// call (conditional on <c>If-None-Match: *</c> for a create-only put) is the moment the object appears. Unlike CopyObject,
    /// this works for objects over 5 GiB, and moto, like S3, honours If-None-Match on Complete (it ignores it on CopyObject).
    /// </summary>
    private Task PublishAsync(CopySource source, string destinationKey, Dictionary<string, string> metadata, PutOptions options, CancellationToken cancellationToken) =>
        CreateOnlyAware(destinationKey, async () =>
        {
            var create = new InitiateMultipartUploadRequest { BucketName = _bucket, Key = destinationKey, ContentType = options.ContentType };
            AddMetadata(create.Metadata, metadata);
            var uploadId = (await _client.InitiateMultipartUploadAsync(create, cancellationToken)).UploadId;
            try
            {
                var parts = await CopyPartsAsync(source, destinationKey, uploadId, cancellationToken);
                await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                {
                    BucketName = _bucket,
                    Key = destinationKey,
                    UploadId = uploadId,
                    PartETags = [.. parts],
                    IfNoneMatch = options.Overwrite ? null : "*",
                }, cancellationToken);
            }
            catch
            {
                await _client.AbortMultipartUploadAsync(_bucket, destinationKey, uploadId, CancellationToken.None);
                throw;
            }
        });

    private async Task<PartETag[]> CopyPartsAsync(CopySource source, string destinationKey, string uploadId, CancellationToken cancellationToken)
    {
        var partSize = Math.Max(MinCopyPartSize, (source.Size + MaxParts - 1) / MaxParts);
        // An empty source is one empty part, copied whole: S3 accepts no range on an empty object.
        var parts = new PartETag[Math.Max(1, (source.Size + partSize - 1) / partSize)];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, parts.Length),
            new ParallelOptions { MaxDegreeOfParallelism = CopyPartsInFlight, CancellationToken = cancellationToken },
            async (index, token) =>
            {
                var request = new CopyPartRequest
                {
                    SourceBucket = _bucket,
                    SourceKey = source.Key,
                    DestinationBucket = _bucket,
                    DestinationKey = destinationKey,
                    UploadId = uploadId,
                    PartNumber = index + 1,
                };
                if (source.Size > 0)
                {
                    request.FirstByte = index * partSize;
                    request.LastByte = Math.Min((index + 1) * partSize, source.Size) - 1;
                }
                if (source.ETag is { } etag)
                {
                    request.ETagToMatch = [etag];
                }
                try
                {
                    parts[index] = new PartETag(index + 1, (await _client.CopyPartAsync(request, token)).ETag);
                }
                catch (AmazonS3Exception exception) when (source.ETag is not null && exception.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
                {
                    // Caught here, so that CreateOnlyAware cannot take the source's 412 for the destination's.
                    throw SourceChanged(source.Key, exception);
                }
            });
        return parts;
    }

    private ObjectStoreException SourceChanged(string sourceKey, Exception? innerException = null) =>
        new($"Object '{ObjectKey.Printable(sourceKey)}' in store '{Name}' changed or vanished while it was being copied; copy it again.", innerException);
}
