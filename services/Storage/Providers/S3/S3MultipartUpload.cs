using System.Buffers;
using Amazon.S3;
using Amazon.S3.Model;

namespace Platform.Storage.Providers.S3;

/// <summary>
/// Streams content of unknown length into one S3 multipart upload: parts are read into pooled buffers and sent a few at a time,
/// so memory stays at <see cref="MaxPartsInFlight"/> part buffers whatever the object's size. Part sizes grow with the part
/// number, so the 10,000-part limit is reached only past several TiB.
/// </summary>
internal sealed class S3MultipartUpload(IAmazonS3 client, string bucket, string key)
{
    private const int MinPartSize = 8 * 1024 * 1024;
    private const int MaxPartsInFlight = 3;

    public async Task UploadAsync(Stream content, CancellationToken cancellationToken)
    {
        var uploadId = (await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = key }, cancellationToken)).UploadId;
        var inFlight = new List<Task<PartETag>>();
        var parts = new List<PartETag>();
        try
        {
            for (var partNumber = 1; ; partNumber++)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(PartSize(partNumber));
                var length = await content.ReadAtLeastAsync(buffer.AsMemory(0, PartSize(partNumber)), PartSize(partNumber), throwOnEndOfStream: false, cancellationToken);
                if (length == 0 && partNumber > 1)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }
                if (inFlight.Count == MaxPartsInFlight)
                {
                    var done = await Task.WhenAny(inFlight);
                    inFlight.Remove(done);
                    parts.Add(await done);
                }
                inFlight.Add(UploadPartAsync(uploadId, partNumber, buffer, length, cancellationToken));
                if (length < PartSize(partNumber))
                {
                    break;
                }
            }
            parts.AddRange(await Task.WhenAll(inFlight));
            await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = bucket,
                Key = key,
                UploadId = uploadId,
                PartETags = parts.OrderBy(part => part.PartNumber).ToList(),
            }, cancellationToken);
        }
        catch
        {
            await Task.WhenAll(inFlight.Select(part => part.ContinueWith(_ => { }, TaskScheduler.Default)));
            await client.AbortMultipartUploadAsync(bucket, key, uploadId, CancellationToken.None);
            throw;
        }
    }

    private async Task<PartETag> UploadPartAsync(string uploadId, int partNumber, byte[] buffer, int length, CancellationToken cancellationToken)
    {
        try
        {
            var response = await client.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket,
                Key = key,
                UploadId = uploadId,
                PartNumber = partNumber,
                InputStream = new MemoryStream(buffer, 0, length, writable: false),
                PartSize = length,
            }, cancellationToken);
            return new PartETag(partNumber, response.ETag);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>8 MiB for the first 1,000 parts, doubling every 1,000 parts after that.</summary>
    private static int PartSize(int partNumber) => MinPartSize << Math.Min((partNumber - 1) / 1000, 6);
}
