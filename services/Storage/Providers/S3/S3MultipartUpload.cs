using Amazon.S3;
using Amazon.S3.Model;

namespace Platform.Storage.Providers.S3;

/// <summary>Streams content of unknown length into one S3 multipart upload, aborting it on failure.</summary>
internal static class S3MultipartUpload
{
    public static async Task UploadAsync(IAmazonS3 client, string bucket, string key, Stream content, CancellationToken cancellationToken)
    {
        var uploadId = (await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = key }, cancellationToken)).UploadId;
        try
        {
            var parts = await PartedUpload.UploadAsync(content, async (partNumber, part, token) =>
            {
                var response = await client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = bucket,
                    Key = key,
                    UploadId = uploadId,
                    PartNumber = partNumber,
                    InputStream = part,
                    PartSize = part.Length,
                }, token);
                return new PartETag(partNumber, response.ETag);
            }, cancellationToken);
            await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = bucket,
                Key = key,
                UploadId = uploadId,
                PartETags = parts.ToList(),
            }, cancellationToken);
        }
        catch
        {
            await client.AbortMultipartUploadAsync(bucket, key, uploadId, CancellationToken.None);
            throw;
        }
    }
}
