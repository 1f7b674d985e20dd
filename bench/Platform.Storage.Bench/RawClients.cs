using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;
using Azure.Storage.Blobs;
using Google.Cloud.Storage.V1;

namespace Platform.Storage.Bench;

public sealed class RawS3Client(string endpoint) : IRawObjectClient, IDisposable
{
    private readonly AmazonS3Client _client = new(new BasicAWSCredentials("bench", "bench"), new AmazonS3Config { ServiceURL = endpoint, ForcePathStyle = true });

    public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        // TransferUtility is what the SDK offers for streams of unknown length: multipart above its threshold.
        using var transfer = new TransferUtility(_client);
        await transfer.UploadAsync(new TransferUtilityUploadRequest { BucketName = BenchTarget.Bucket, Key = "raw/" + key, InputStream = content }, cancellationToken);
    }

    public async Task GetAsync(string key, Stream destination, CancellationToken cancellationToken = default)
    {
        using var response = await _client.GetObjectAsync(BenchTarget.Bucket, "raw/" + key, cancellationToken);
        await response.ResponseStream.CopyToAsync(destination, cancellationToken);
    }

    public void Dispose() => _client.Dispose();
}

public sealed class RawBlobClient(string connectionString) : IRawObjectClient
{
    private readonly BlobContainerClient _container = new(connectionString, BenchTarget.Bucket);

    public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default) =>
        await _container.GetBlobClient("raw/" + key).UploadAsync(content, overwrite: true, cancellationToken);

    public async Task GetAsync(string key, Stream destination, CancellationToken cancellationToken = default)
    {
        var response = await _container.GetBlobClient("raw/" + key).DownloadStreamingAsync(cancellationToken: cancellationToken);
        await using var content = response.Value.Content;
        await content.CopyToAsync(destination, cancellationToken);
    }
}

public sealed class RawGcsClient(string endpoint) : IRawObjectClient, IDisposable
{
    private readonly StorageClient _client = new StorageClientBuilder { BaseUri = endpoint.TrimEnd('/') + "/storage/v1/", UnauthenticatedAccess = true }.Build();

    public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default) =>
        await _client.UploadObjectAsync(BenchTarget.Bucket, "raw/" + key, null, content, cancellationToken: cancellationToken);

    public async Task GetAsync(string key, Stream destination, CancellationToken cancellationToken = default) =>
        await _client.DownloadObjectAsync(BenchTarget.Bucket, "raw/" + key, destination, cancellationToken: cancellationToken);

    public void Dispose() => _client.Dispose();
}

public sealed class RawFileClient(string root) : IRawObjectClient
{
    public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        var path = Path.Combine(root, key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 256 * 1024, FileOptions.Asynchronous);
        await content.CopyToAsync(file, cancellationToken);
    }

    public async Task GetAsync(string key, Stream destination, CancellationToken cancellationToken = default)
    {
        await using var file = new FileStream(Path.Combine(root, key), FileMode.Open, FileAccess.Read, FileShare.Read, 256 * 1024, FileOptions.Asynchronous);
        await file.CopyToAsync(destination, cancellationToken);
    }
}
