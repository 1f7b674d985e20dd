namespace Platform.Storage;

public enum ObjectStoreProvider
{
    FileSystem,
    S3,
    Gcs,
    AzureBlob,
}
