using Azure;
using Azure.Storage.Blobs.Models;

namespace Platform.Storage.Providers.AzureBlob;

/// <summary>The service's refusals, as the library's exceptions: no <see cref="RequestFailedException"/> leaves the store as itself.</summary>
public sealed partial class AzureBlobObjectStore
{
    /// <summary>Turns the service's refusal of a write into the library's exceptions.</summary>
    private ObjectStoreException WriteFailure(string key, PutOptions options, RequestFailedException exception)
    {
        // If-None-Match: * refused: 409 BlobAlreadyExists (412 from some service versions).
        if (!options.Overwrite && (exception.ErrorCode == BlobErrorCode.BlobAlreadyExists || exception.Status == 412))
        {
            return new ObjectAlreadyExistsException(Name, key, exception);
        }
        if (exception.ErrorCode == BlobErrorCode.InvalidBlockList)
        {
            // Another writer's commit or Put Blob to this name discarded our staged blocks (see the class remarks).
            return options.Overwrite
                ? new ObjectStoreException($"Object '{key}' in store '{Name}' was written by another client during this upload; nothing of this upload was kept. Retry it.", exception)
                : new ObjectAlreadyExistsException(Name, key, exception);
        }
        if (exception.ErrorCode == BlobErrorCode.Md5Mismatch)
        {
            return new ObjectStoreException($"Object '{key}' was damaged on its way to store '{Name}' (MD5 mismatch); nothing of it was stored.", exception);
        }
        return Failure($"writing '{key}'", exception);
    }

    private ObjectStoreException Failure(string action, RequestFailedException exception) =>
        new($"Store '{Name}' failed {action}: Azure answered {exception.Status} {exception.ErrorCode}.", exception);
}
