namespace Platform.AppHost.Infrastructure;

/// <summary>
/// A cloud's real object store, as a deployment sees it (publish mode): no emulator, no keys. The bucket or container (and,
/// for Azure, the account's blob endpoint) are parameters the deployment fills in; credentials come from workload identity
/// (IRSA on EKS, Workload Identity on GKE, Entra workload identity on AKS), so nothing secret is configured at all.
/// </summary>
public static class CloudStoreResources
{
    public static ObjectStoreResource AddCloudStore(this Provisioning provisioning, string cloud, string provider)
    {
        var builder = provisioning.Builder;
        var settings = new Dictionary<string, object>();
        switch (provider)
        {
            case "S3":
                settings["Bucket"] = builder.AddParameter($"{cloud}-bucket").Resource;
                settings["Region"] = builder.AddParameter($"{cloud}-region").Resource;
                break;
            case "Gcs":
                settings["Bucket"] = builder.AddParameter($"{cloud}-bucket").Resource;
                break;
            case "AzureBlob":
                settings["Container"] = builder.AddParameter($"{cloud}-container").Resource;
                settings["Endpoint"] = builder.AddParameter($"{cloud}-blob-endpoint").Resource;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, "S3, Gcs or AzureBlob.");
        }
        return new ObjectStoreResource { Name = cloud, Provider = provider, Cloud = cloud, Settings = settings };
    }
}
