using System.Globalization;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;

namespace Platform.Storage.Providers.AzureBlob;

/// <summary>Server-side copies (Copy Blob) and read-only SAS URLs.</summary>
public sealed partial class AzureBlobObjectStore
{
    public async Task<ObjectInfo> CopyAsync(string sourceKey, string destinationKey, PutOptions? options = null, CancellationToken cancellationToken = default)
    {
        ObjectKey.Validate(sourceKey);
        ObjectKey.Validate(destinationKey);
        options ??= PutOptions.Default;
        ValidatePutOptions(options);
        var source = await GetPropertiesAsync(sourceKey, cancellationToken) ?? throw new ObjectNotFoundException(Name, sourceKey);
        var (sha256, sourceMetadata) = SplitMetadata(source.Metadata);
        if (options.ExpectedSha256 is { } expected && !string.Equals(Sha256Hex.Normalize(expected), sha256, StringComparison.Ordinal))
        {
            throw new ObjectIntegrityException(Name, sourceKey, expected, sha256 ?? "(none recorded)");
        }
        if (options.ContentType is { } contentType && contentType != source.ContentType)
        {
            throw new ArgumentException("An Azure Blob copy keeps the source's content type; it cannot set another.", nameof(options));
        }
        var metadata = new Dictionary<string, string>(options.Metadata ?? sourceMetadata);
        if (sha256 is not null)
        {
            metadata[Sha256Hex.MetadataName] = sha256;
        }

        Response response;
        try
        {
            var copy = await _container.GetBlobClient(destinationKey).StartCopyFromUriAsync(_container.GetBlobClient(sourceKey).Uri, new BlobCopyFromUriOptions
            {
                Metadata = metadata,
                // The hash recorded above must be the one of the bytes copied.
                SourceConditions = new BlobRequestConditions { IfMatch = source.ETag },
                DestinationConditions = CreateOnly(options),
            }, cancellationToken);
            // Copies within an account usually finish at once; a pending one is waited for, as the caller expects a copy.
            await copy.WaitForCompletionAsync(cancellationToken);
            response = copy.GetRawResponse();
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            throw new ObjectNotFoundException(Name, sourceKey, exception);
        }
        catch (RequestFailedException exception) when (exception.ErrorCode == BlobErrorCode.SourceConditionNotMet || (exception.Status == 412 && options.Overwrite))
        {
            throw new ObjectStoreException($"Object '{sourceKey}' in store '{Name}' changed while it was being copied to '{destinationKey}'; nothing was copied. Retry it.", exception);
        }
        catch (RequestFailedException exception)
        {
            throw WriteFailure(destinationKey, options, exception);
        }
        var lastModified = response.Headers.TryGetValue("Last-Modified", out var value)
            && DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed
                : (DateTimeOffset?)null;
        return Info(destinationKey, source.ContentLength, metadata, source.ContentType, lastModified);
    }

    /// <summary>SAS URLs need the account key; a store that signs in with a SAS has none to sign with.</summary>
    public override StoreCapabilities Capabilities =>
        _container.CanGenerateSasUri ? base.Capabilities : base.Capabilities & ~StoreCapabilities.PresignedUrls;

    public Uri GetPresignedReadUrl(string key, TimeSpan validFor)
    {
        ObjectKey.Validate(key);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(validFor, TimeSpan.Zero);
        var blob = _container.GetBlobClient(key);
        return blob.CanGenerateSasUri
            ? blob.GenerateSasUri(BlobSasPermissions.Read, DateTimeOffset.UtcNow + validFor)
            : throw new InvalidOperationException($"Store '{Name}' signs in with a SAS rather than an account key, so it cannot issue SAS URLs.");
    }
}
