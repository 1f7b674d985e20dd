namespace Platform.Storage.Configuration;

/// <summary>The <c>Storage</c> configuration section: named stores under <c>Storage:Stores:&lt;name&gt;</c>.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    public Dictionary<string, ObjectStoreOptions> Stores { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// How long the host's start waits for the server of a store marked <see cref="ObjectStoreOptions.CreateIfMissing"/> to
    /// answer (an emulator started beside the service, a network still coming up) before it gives up.
    /// </summary>
    public TimeSpan ProvisioningTimeout { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>One named store. Which fields apply depends on <see cref="Provider"/>.</summary>
public sealed class ObjectStoreOptions
{
    public ObjectStoreProvider? Provider { get; set; }

    /// <summary>The cloud the store lives in (aws, gcp, azure, local, ...). Defaults from the provider.</summary>
    public string? Cloud { get; set; }

    /// <summary>S3 and GCS: the bucket.</summary>
    public string? Bucket { get; set; }

    /// <summary>Azure Blob: the container.</summary>
    public string? Container { get; set; }

    /// <summary>File system: the root folder.</summary>
    public string? Path { get; set; }

    /// <summary>The service's base URL, for emulators and S3-compatible services; null for the cloud's own endpoint.</summary>
    public string? Endpoint { get; set; }

    /// <summary>S3: the region.</summary>
    public string? Region { get; set; }

    /// <summary>S3: a static access key (emulators, or when no workload identity is available). Without it the SDK's default chain applies.</summary>
    public string? AccessKey { get; set; }

    /// <summary>S3: the secret key that goes with <see cref="AccessKey"/>.</summary>
    public string? SecretKey { get; set; }

    /// <summary>Azure Blob: a connection string. Without it, <see cref="Endpoint"/> must name the account.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>GCS: the project that owns the bucket, needed only to create it.</summary>
    public string? ProjectId { get; set; }

    /// <summary>Create the bucket, container or folder at start when it is missing (the default for local emulators).</summary>
    public bool CreateIfMissing { get; set; }

    /// <summary>Objects up to this size are sent in one request; larger ones are staged in parts.</summary>
    public int SmallObjectThreshold { get; set; } = ObjectStore.DefaultSmallObjectThreshold;

    public string DefaultCloud => Cloud ?? Provider switch
    {
        ObjectStoreProvider.S3 => "aws",
        ObjectStoreProvider.Gcs => "gcp",
        ObjectStoreProvider.AzureBlob => "azure",
        _ => "local",
    };

    /// <summary>What is wrong with this store's settings, if anything.</summary>
    public IEnumerable<string> Problems(string name)
    {
        var at = $"Storage:Stores:{name}";
        switch (Provider)
        {
            case null:
                yield return $"{at}:Provider is required (one of {string.Join(", ", Enum.GetNames<ObjectStoreProvider>())}).";
                break;
            case ObjectStoreProvider.FileSystem when string.IsNullOrWhiteSpace(Path):
                yield return $"{at}:Path is required for a FileSystem store.";
                break;
            case ObjectStoreProvider.S3 or ObjectStoreProvider.Gcs when string.IsNullOrWhiteSpace(Bucket):
                yield return $"{at}:Bucket is required for a {Provider} store.";
                break;
            case ObjectStoreProvider.AzureBlob when string.IsNullOrWhiteSpace(Container):
                yield return $"{at}:Container is required for an AzureBlob store.";
                break;
            case ObjectStoreProvider.AzureBlob when string.IsNullOrWhiteSpace(ConnectionString) && string.IsNullOrWhiteSpace(Endpoint):
                yield return $"{at}: an AzureBlob store needs ConnectionString or Endpoint.";
                break;
        }
        if (Endpoint is not null && !Uri.TryCreate(Endpoint, UriKind.Absolute, out _))
        {
            yield return $"{at}:Endpoint '{Endpoint}' is not an absolute URL.";
        }
        if (string.IsNullOrEmpty(AccessKey) != string.IsNullOrEmpty(SecretKey))
        {
            yield return $"{at}: AccessKey and SecretKey go together.";
        }
        if (SmallObjectThreshold is < 64 * 1024 or > 256 * 1024 * 1024)
        {
            yield return $"{at}:SmallObjectThreshold must lie between 64 KiB and 256 MiB.";
        }
    }
}
