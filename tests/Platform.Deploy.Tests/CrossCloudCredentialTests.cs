using System.Text.Json;
using Google.Apis.Auth.OAuth2;
using k8s.Models;
using Platform.Deploy;
using Platform.Storage;
using Platform.Storage.Configuration;
using Platform.Testing;

namespace Platform.Deploy.Tests;

/// <summary>
/// Reading the other clouds' stores: every service configured with a store in another cloud gets that cloud's SDK
/// environment, pointing at a projected token of the audience the Terraform module's federation accepts; its own cloud
/// keeps the workload identity its cluster injects.
/// </summary>
public sealed class CrossCloudCredentialTests(DeploymentFixture fixture)
{
    private static readonly string Terraform = Path.Combine(RepositoryPaths.Root, "deploy", "terraform");

    [Theory]
    [InlineData("eks")]
    [InlineData("gke")]
    [InlineData("aks")]
    public void Every_service_reads_the_other_clouds_stores_with_its_own_token_and_no_keys(string overlay)
    {
        var cloud = CloudOverlay.All.Single(each => each.Folder == overlay).Cloud;
        var settings = fixture.Settings(overlay);
        var readers = 0;
        foreach (var deployment in fixture.All<V1Deployment>(overlay))
        {
            var service = fixture.Manifest.Services.Single(service => service.Name == deployment.Metadata.Name);
            var foreign = EnvironmentTranslator.StoreClouds(service).Where(store => store != cloud).ToList();
            var pod = deployment.Spec.Template.Spec;
            var env = pod.Containers[0].Env.ToDictionary(variable => variable.Name);

            Assert.Equal(foreign.Contains("aws"), env.ContainsKey("AWS_ROLE_ARN"));
            Assert.Equal(foreign.Contains("azure"), env.ContainsKey("AZURE_CLIENT_ID"));
            Assert.Equal(foreign.Contains("gcp"), env.ContainsKey("GOOGLE_APPLICATION_CREDENTIALS"));
            if (foreign.Contains("aws"))
            {
                Assert.StartsWith("arn:aws:iam::", settings[env["AWS_ROLE_ARN"].ValueFrom.ConfigMapKeyRef.Key]);
                Assert.Equal("sts.amazonaws.com", TokenAudience(pod, env["AWS_WEB_IDENTITY_TOKEN_FILE"].Value));
            }
            if (foreign.Contains("azure"))
            {
                Assert.True(Guid.TryParse(settings[env["AZURE_CLIENT_ID"].ValueFrom.ConfigMapKeyRef.Key], out _));
                Assert.True(Guid.TryParse(settings[env["AZURE_TENANT_ID"].ValueFrom.ConfigMapKeyRef.Key], out _));
                Assert.Equal("api://AzureADTokenExchange", TokenAudience(pod, env["AZURE_FEDERATED_TOKEN_FILE"].Value));
            }
            if (foreign.Contains("gcp"))
            {
                using var configuration = JsonDocument.Parse(ConfigMapFile(overlay, pod, env["GOOGLE_APPLICATION_CREDENTIALS"].Value));
                var root = configuration.RootElement;
                Assert.Equal("external_account", root.GetProperty("type").GetString());
                Assert.StartsWith("//iam.googleapis.com/projects/", root.GetProperty("audience").GetString());
                Assert.Equal(CrossCloudCredentials.GcpTokenAudience, TokenAudience(pod, root.GetProperty("credential_source").GetProperty("file").GetString()!));
            }
            readers += foreign.Count > 0 ? 1 : 0;
        }
        Assert.True(readers > 0, $"no service of {overlay} reads another cloud's store");
    }

    [Theory]
    [InlineData("eks")]
    [InlineData("aks")]
    public async Task Googles_default_credentials_read_the_generated_configuration_as_an_external_account_so_a_gcs_store_starts_outside_gcp(string overlay)
    {
        var json = fixture.All<V1ConfigMap>(overlay).Single(map => map.Metadata.Name == CrossCloudCredentials.GcpConfigMap).Data[CrossCloudCredentials.GcpConfigKey];
        var file = Path.Combine(Directory.CreateTempSubdirectory("platform-gcp-credentials-").FullName, CrossCloudCredentials.GcpConfigKey);
        await File.WriteAllTextAsync(file, json, TestContext.Current.CancellationToken);
        var saved = Environment.GetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS");
        Environment.SetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS", file);
        try
        {
            // What Platform.Storage's GCS provider does at start (StorageClient.Create()): without these credentials, outside GCP it throws.
            var store = ObjectStoreFactory.Create("gcp", new ObjectStoreOptions { Provider = ObjectStoreProvider.Gcs, Bucket = "platform-models-gcp" });
            var credential = await GoogleCredential.GetApplicationDefaultAsync(TestContext.Current.CancellationToken);

            Assert.Equal("gcp", store.Cloud);
            var external = Assert.IsType<FileSourcedExternalAccountCredential>(credential.UnderlyingCredential);
            Assert.Equal($"{CrossCloudCredentials.MountPath}/gcp/token", external.SubjectTokenFilePath);
            Assert.StartsWith("//iam.googleapis.com/projects/", external.Audience);
        }
        finally
        {
            Environment.SetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS", saved);
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }

    [Fact]
    public void The_token_audiences_are_the_ones_the_terraform_federations_accept()
    {
        Assert.Contains("audience   = optional(string, \"sts.amazonaws.com\")", File.ReadAllText(Path.Combine(Terraform, "aws", "variables.tf")));
        Assert.Contains($"allowed_audiences = optional(list(string), [\"{CrossCloudCredentials.GcpTokenAudience}\"])", File.ReadAllText(Path.Combine(Terraform, "gcp", "variables.tf")));
        Assert.Contains("workload_identity_audience = \"api://AzureADTokenExchange\"", File.ReadAllText(Path.Combine(Terraform, "azure", "main.tf")));
    }

    /// <summary>The audience of the projected service account token mounted at <paramref name="path"/>.</summary>
    private static string TokenAudience(V1PodSpec pod, string path) => Projection(pod, path).ServiceAccountToken.Audience;

    private string ConfigMapFile(string overlay, V1PodSpec pod, string path)
    {
        var projection = Projection(pod, path).ConfigMap;
        var item = projection.Items.Single(item => path.EndsWith("/" + item.Path, StringComparison.Ordinal));
        return fixture.All<V1ConfigMap>(overlay).Single(map => map.Metadata.Name == projection.Name).Data[item.Key];
    }

    private static V1VolumeProjection Projection(V1PodSpec pod, string path)
    {
        var mount = pod.Containers[0].VolumeMounts.Single(mount => path.StartsWith(mount.MountPath + "/", StringComparison.Ordinal));
        var relative = path[(mount.MountPath.Length + 1)..];
        return pod.Volumes.Single(volume => volume.Name == mount.Name).Projected.Sources
            .Single(source => (source.ServiceAccountToken?.Path ?? source.ConfigMap?.Items.SingleOrDefault(item => item.Path == relative)?.Path) == relative);
    }
}
