using k8s;
using k8s.Models;
using Platform.Deploy;

namespace Platform.Deploy.Tests;

/// <summary>The generator's rules for kinds of service the AppHost does not run yet, on a manifest built here.</summary>
public sealed class GeneratorTests
{
    private static readonly AspireManifest Manifest = new()
    {
        Services =
        [
            new ManifestService("inference-aws", "Platform.Inference", new Dictionary<string, string>
            {
                ["Inference__LocalStore"] = "aws",
                ["Registry__ApiKey"] = "{registry-reader-key.value}",
            }, External: false),
        ],
        Parameters = new Dictionary<string, ManifestParameter> { ["registry-reader-key"] = new("registry-reader-key", Secret: true) },
    };

    [Fact]
    public void Inference_gets_an_autoscaler_and_in_its_cloud_the_inference_or_gpu_pool()
    {
        var files = KubernetesGenerator.Render(Manifest);

        var autoscaler = KubernetesYaml.Deserialize<V2HorizontalPodAutoscaler>(files[Path.Combine("base", "inference-aws", "horizontal-pod-autoscaler.yaml")]);
        Assert.Equal("inference-aws", autoscaler.Spec.ScaleTargetRef.Name);
        Assert.True(autoscaler.Spec.MaxReplicas > autoscaler.Spec.MinReplicas);
        var deployment = KubernetesYaml.Deserialize<V1Deployment>(files[Path.Combine("base", "inference-aws", "deployment.yaml")]);
        Assert.Null(deployment.Spec.Replicas);

        var pods = KubernetesYaml.Deserialize<V1Deployment>(files[Path.Combine("overlays", "eks", "pods-inference-aws.yaml")]).Spec.Template.Spec;
        var requirement = Assert.Single(Assert.Single(pods.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms).MatchExpressions);
        Assert.Equal("platform/pool", requirement.Key);
        Assert.Equal(["inference", "gpu"], requirement.Values);
        Assert.Contains(pods.Tolerations, toleration => toleration.Key == "nvidia.com/gpu");
        Assert.DoesNotContain(files.Keys, file => file.StartsWith(Path.Combine("overlays", "gke", "pods-inference"), StringComparison.Ordinal));
    }

    [Fact]
    public void A_value_that_mixes_text_and_an_expression_is_refused_with_the_service_and_variable()
    {
        var mixed = new AspireManifest
        {
            Services = [new ManifestService("sync-aws", "Platform.Sync", new Dictionary<string, string> { ["Broken"] = "amqp://{registry-reader-key.value}@host" }, External: false)],
            Parameters = Manifest.Parameters,
        };

        var error = Assert.Throws<InvalidOperationException>(() => KubernetesGenerator.Render(mixed));

        Assert.Contains("sync-aws", error.Message);
        Assert.Contains("Broken", error.Message);
    }

    [Theory]
    [InlineData("aws", "eks", "gp3")]
    [InlineData("gcp", "gke", "premium-rwo")]
    [InlineData("azure", "aks", "managed-csi-premium")]
    public void The_broker_runs_in_the_registrys_home_cloud_on_that_clouds_storage_class(string home, string overlay, string storageClass)
    {
        var manifest = new AspireManifest
        {
            Services =
            [
                new ManifestService("registry", "Platform.Registry", new Dictionary<string, string>
                {
                    ["Registry__HomeStore"] = home,
                    ["ConnectionStrings__rabbitmq"] = "{rabbitmq.connectionString}",
                }, External: true),
            ],
            Parameters = new Dictionary<string, ManifestParameter> { ["rabbitmq"] = new("rabbitmq", Secret: true) },
        };

        var files = KubernetesGenerator.Render(manifest);

        foreach (var other in CloudOverlay.All)
        {
            var kustomization = files[Path.Combine("overlays", other.Folder, "kustomization.yaml")];
            var runsBroker = other.Folder == overlay;
            Assert.Equal(runsBroker, kustomization.Contains("../../base/rabbitmq\n", StringComparison.Ordinal));
            Assert.Equal(runsBroker, files.ContainsKey(Path.Combine("overlays", other.Folder, "rabbitmq.yaml")));
        }
        var patch = files[Path.Combine("overlays", overlay, "rabbitmq.yaml")];
        Assert.Contains($"storageClassName: {storageClass}", patch);
        Assert.Contains($"secretName: {RabbitMq.TlsSecret}", patch);
    }

    [Fact]
    public void A_call_to_a_service_in_another_cluster_without_a_public_endpoint_is_refused()
    {
        var manifest = new AspireManifest
        {
            Services =
            [
                new ManifestService("registry", "Platform.Registry", new Dictionary<string, string> { ["Registry__HomeStore"] = "aws" }, External: false),
                new ManifestService("sync-gcp", "Platform.Sync", new Dictionary<string, string> { ["Registry__Url"] = "{registry.bindings.http.url}" }, External: false),
            ],
            Parameters = new Dictionary<string, ManifestParameter>(),
        };

        var error = Assert.Throws<InvalidOperationException>(() => KubernetesGenerator.Render(manifest));

        Assert.Contains("sync-gcp on gke call registry", error.Message);
        Assert.Contains("WithExternalHttpEndpoints", error.Message);
    }
}
