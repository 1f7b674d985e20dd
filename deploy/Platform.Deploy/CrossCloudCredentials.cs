using System.Text.Json;
using k8s.Models;

namespace Platform.Deploy;

/// <summary>
/// How a pod reads the object stores of the other clouds (a sync worker pulling a new artifact, the registry or inference
/// falling back to another replica): with its own Kubernetes service account token, in a projected volume with each foreign
/// cloud's audience, exchanged by that cloud's federation (the Terraform modules' <c>external_readers</c>), through each
/// SDK's standard environment, which Platform.Storage's providers read (AWS's default chain, Google's application default
/// credentials, Azure's DefaultAzureCredential). No keys. The pod's own cloud keeps its workload identity.
/// </summary>
public static class CrossCloudCredentials
{
    public const string VolumeName = "cloud-credentials";
    public const string MountPath = "/var/run/secrets/platform";

    /// <summary>The ConfigMap holding Google's credential configuration file (an external account, not a key).</summary>
    public const string GcpConfigMap = "gcp-reader-credentials";
    public const string GcpConfigKey = "credentials.json";

    /// <summary>The token audience the GCP module's workload identity pools accept (<c>external_readers.allowed_audiences</c>).</summary>
    public const string GcpTokenAudience = "platform-gcs-reader";
    private const string AwsTokenAudience = "sts.amazonaws.com";
    private const string AzureTokenAudience = "api://AzureADTokenExchange";

    public const string AwsRoleSetting = "aws-reader-role-arn";
    public const string AzureTenantSetting = "azure-tenant-id";

    public static string AzureClientIdSetting(string service) => $"{service}-azure-client-id";

    /// <summary>The clouds, other than the cluster's own, whose stores the service is configured with.</summary>
    public static IReadOnlyList<string> ForeignClouds(CloudOverlay overlay, ManifestService service) =>
        EnvironmentTranslator.StoreClouds(service).Where(cloud => cloud != overlay.Cloud && CloudOverlay.All.Any(other => other.Cloud == cloud)).ToList();

    public static IEnumerable<V1EnvVar> Environment(string service, IReadOnlyList<string> clouds)
    {
        if (clouds.Contains("aws"))
        {
            yield return Setting("AWS_ROLE_ARN", AwsRoleSetting);
            yield return Literal("AWS_WEB_IDENTITY_TOKEN_FILE", $"{MountPath}/aws/token");
            yield return Literal("AWS_ROLE_SESSION_NAME", service);
            // STS's regional endpoint; on EKS the identity webhook would set it.
            yield return Setting("AWS_REGION", "aws-region");
        }
        if (clouds.Contains("azure"))
        {
            yield return Setting("AZURE_CLIENT_ID", AzureClientIdSetting(service));
            yield return Setting("AZURE_TENANT_ID", AzureTenantSetting);
            yield return Literal("AZURE_FEDERATED_TOKEN_FILE", $"{MountPath}/azure/token");
        }
        if (clouds.Contains("gcp"))
        {
            yield return Literal("GOOGLE_APPLICATION_CREDENTIALS", $"{MountPath}/gcp/{GcpConfigKey}");
        }
    }

    public static V1Volume Volume(IReadOnlyList<string> clouds)
    {
        var sources = new List<V1VolumeProjection>();
        if (clouds.Contains("aws"))
        {
            sources.Add(Token(AwsTokenAudience, "aws/token"));
        }
        if (clouds.Contains("azure"))
        {
            sources.Add(Token(AzureTokenAudience, "azure/token"));
        }
        if (clouds.Contains("gcp"))
        {
            sources.Add(Token(GcpTokenAudience, "gcp/token"));
            sources.Add(new V1VolumeProjection
            {
                ConfigMap = new V1ConfigMapProjection { Name = GcpConfigMap, Items = [new V1KeyToPath { Key = GcpConfigKey, Path = $"gcp/{GcpConfigKey}" }] },
            });
        }
        return new V1Volume { Name = VolumeName, Projected = new V1ProjectedVolumeSource { Sources = sources } };
    }

    public static V1VolumeMount Mount() => new() { Name = VolumeName, MountPath = MountPath, ReadOnlyProperty = true };

    /// <summary>The platform-settings keys the environment above reads, with example values (the Terraform outputs replace them).</summary>
    public static IEnumerable<KeyValuePair<string, string>> Settings(CloudOverlay overlay, string service, IReadOnlyList<string> clouds)
    {
        if (clouds.Contains("aws"))
        {
            // aws module: external_reader_role_arns["<this cluster>"].
            yield return new(AwsRoleSetting, $"arn:aws:iam::111122223333:role/platform-reader-{overlay.Folder}");
        }
        if (clouds.Contains("azure"))
        {
            // azure module: tenant_id and external_reader_client_ids["<this cluster>/system:serviceaccount:platform:<service>"].
            yield return new(AzureTenantSetting, "00000000-0000-0000-0000-000000000000");
            yield return new(AzureClientIdSetting(service), "00000000-0000-0000-0000-000000000000");
        }
    }

    /// <summary>
    /// Google's credential configuration for this cluster's tokens, as <c>gcloud iam workload-identity-pools create-cred-config</c>
    /// writes it; the audience is the GCP module's <c>external_reader_audiences["&lt;this cluster&gt;"]</c> (an example here).
    /// </summary>
    public static string GcpCredentialConfiguration(CloudOverlay overlay) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["type"] = "external_account",
        ["audience"] = $"//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/platform-{overlay.Folder}/providers/{overlay.Folder}-oidc",
        ["subject_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
        ["token_url"] = "https://sts.googleapis.com/v1/token",
        ["credential_source"] = new Dictionary<string, string> { ["file"] = $"{MountPath}/gcp/token" },
    }, new JsonSerializerOptions { WriteIndented = true }) + "\n";

    private static V1VolumeProjection Token(string audience, string path) =>
        new() { ServiceAccountToken = new V1ServiceAccountTokenProjection { Audience = audience, Path = path, ExpirationSeconds = 3600 } };

    private static V1EnvVar Literal(string name, string value) => new() { Name = name, Value = value };

    private static V1EnvVar Setting(string name, string key) => new()
    {
        Name = name,
        ValueFrom = new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = BaseManifests.SettingsMap, Key = key } },
    };
}
