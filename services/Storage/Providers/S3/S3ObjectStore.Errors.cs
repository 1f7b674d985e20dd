using System.Net;
using Amazon.Runtime;
using Amazon.S3;

namespace Platform.Storage.Providers.S3;

public sealed partial class S3ObjectStore
{
    private const int ConflictAttempts = 3;

    protected override ObjectStoreException? TranslateProviderException(Exception exception, string operation, string key) =>
        exception is AmazonServiceException service
            ? new ObjectStoreException($"S3 {operation} of '{ObjectKey.Printable(key)}' in store '{Name}' failed: HTTP {(int)service.StatusCode} {service.ErrorCode}: {service.Message}", exception)
            : null;

    /// <summary>
    /// Runs a write that carries <c>If-None-Match: *</c> when the put is create-only, turning S3's 412 into
    /// <see cref="ObjectAlreadyExistsException"/>. A 409 ConditionalRequestConflict means another operation on the key
    /// (a concurrent delete or conditional write) got in the way, so the key may well still be free: S3 asks for the whole
    /// write to be retried (for a multipart upload, from CreateMultipartUpload on), and <paramref name="write"/> is that whole
    /// write. A retry after a rival's successful create gets its 412.
    /// </summary>
    private async Task CreateOnlyAware(string key, Func<Task> write)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await write();
                return;
            }
            catch (AmazonS3Exception exception) when (exception.StatusCode == HttpStatusCode.PreconditionFailed)
            {
                throw new ObjectAlreadyExistsException(Name, key, exception);
            }
            catch (AmazonS3Exception exception) when (exception.ErrorCode == "ConditionalRequestConflict" && attempt < ConflictAttempts)
            {
            }
        }
    }
}
