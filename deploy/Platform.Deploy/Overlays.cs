using k8s.Models;

namespace Platform.Deploy;

/// <summary>One cloud's cluster: which services it runs and how that cloud names identities, ingress, disks and GPU nodes.</summary>
public sealed record CloudOverlay(
    string Folder,
    string Cloud,
    string IdentityAnnotation,
    Func<string, string> IdentityValue,
    string IngressClass,
    IReadOnlyDictionary<string, string> IngressAnnotations,
    string StorageClass,
    bool WorkloadIdentityPodLabel)
{
    public static readonly IReadOnlyList<CloudOverlay> All =
    [
        new("eks", "aws", "eks.amazonaws.com/role-arn", account => $"arn:aws:iam::111122223333:role/platform-{account}",
            "alb", new Dictionary<string, string> { ["alb.ingress.kubernetes.io/scheme"] = "internet-facing", ["alb.ingress.kubernetes.io/target-type"] = "ip" },
            "gp3", WorkloadIdentityPodLabel: false),
        new("gke", "gcp", "iam.gke.io/gcp-service-account", account => $"platform-{account}@my-project.iam.gserviceaccount.com",
            "gce", new Dictionary<string, string>(), "premium-rwo", WorkloadIdentityPodLabel: false),
        new("aks", "azure", "azure.workload.identity/client-id", _ => "00000000-0000-0000-0000-000000000000",
            "webapprouting.kubernetes.azure.com", new Dictionary<string, string>(), "managed-csi-premium", WorkloadIdentityPodLabel: true),
    ];
}

/// <summary>
/// The per-cloud overlays. Each cluster runs its own cloud's services (<c>*-aws</c> on EKS, ...); the global ones (the
/// registry, later the gateway) run in the registry's home cloud. Values that only the deployment knows (account IDs, bucket
/// names) are example values to replace with the Terraform outputs, in an overlay of your own on top of these.
/// </summary>
public static class Overlays
{
    public static IEnumerable<(string File, object Resource)> Build(CloudOverlay overlay, AspireManifest manifest, IReadOnlyList<ManifestService> services)
    {
        foreach (var service in services)
        {
            var account = new V1ServiceAccount
            {
                ApiVersion = "v1", Kind = "ServiceAccount",
                Metadata = new V1ObjectMeta { Name = service.Name, Annotations = new Dictionary<string, string> { [overlay.IdentityAnnotation] = overlay.IdentityValue(service.Name) } },
            };
            yield return ($"identity-{service.Name}.yaml", account);
            var pod = PodPatch(overlay, service);
            if (pod is not null)
            {
                yield return ($"pods-{service.Name}.yaml", pod);
            }
            if (service.External)
            {
                yield return ($"ingress-{service.Name}.yaml", new V1Ingress
                {
                    ApiVersion = "networking.k8s.io/v1", Kind = "Ingress",
                    Metadata = new V1ObjectMeta { Name = service.Name, Annotations = overlay.IngressAnnotations.Count == 0 ? null : new Dictionary<string, string>(overlay.IngressAnnotations) },
                    Spec = new V1IngressSpec { IngressClassName = overlay.IngressClass },
                });
            }
        }
        yield return ("rabbitmq-storage.yaml", new Dictionary<string, object>
        {
            ["apiVersion"] = "rabbitmq.com/v1beta1",
            ["kind"] = "RabbitmqCluster",
            ["metadata"] = new Dictionary<string, string> { ["name"] = "rabbitmq" },
            ["spec"] = new Dictionary<string, object> { ["persistence"] = new Dictionary<string, string> { ["storageClassName"] = overlay.StorageClass } },
        });
    }

    /// <summary>The pod-level changes: the AKS workload-identity label, and inference on its own (optionally GPU) node pool.</summary>
    private static V1Deployment? PodPatch(CloudOverlay overlay, ManifestService service)
    {
        var inference = ServiceProfile.For(service).Inference;
        if (!overlay.WorkloadIdentityPodLabel && !inference)
        {
            return null;
        }
        var spec = new V1PodSpec
        {
            Containers = [],
            // The inference pool, or the GPU pool (labelled platform/pool=gpu and tainted nvidia.com/gpu) when the cluster has one.
            Affinity = inference
                ? new V1Affinity
                {
                    NodeAffinity = new V1NodeAffinity
                    {
                        RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
                        {
                            NodeSelectorTerms = [new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = "platform/pool", OperatorProperty = "In", Values = ["inference", "gpu"] }] }],
                        },
                    },
                }
                : null,
            Tolerations = inference ? [new V1Toleration { Key = "nvidia.com/gpu", OperatorProperty = "Exists", Effect = "NoSchedule" }] : null,
        };
        return new V1Deployment
        {
            ApiVersion = "apps/v1", Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = service.Name },
            Spec = new V1DeploymentSpec
            {
                Template = new V1PodTemplateSpec
                {
                    Metadata = overlay.WorkloadIdentityPodLabel ? new V1ObjectMeta { Labels = new Dictionary<string, string> { ["azure.workload.identity/use"] = "true" } } : null,
                    Spec = spec,
                },
            },
        };
    }

    /// <summary>
    /// The platform-settings values this cloud's cluster needs: example bucket names, and for every service that runs in
    /// another cluster (the registry away from home, the other clouds' inference for the gateway) its public URL.
    /// </summary>
    public static SortedDictionary<string, string> Settings(AspireManifest manifest, IReadOnlyList<ManifestService> here)
    {
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var parameter in manifest.Parameters.Values.Where(parameter => !parameter.Secret))
        {
            settings[parameter.Name] = parameter.Name switch
            {
                var name when name.EndsWith("-region", StringComparison.Ordinal) => "us-east-1",
                var name when name.EndsWith("-blob-endpoint", StringComparison.Ordinal) => "https://platformmodels.blob.core.windows.net",
                var name => $"platform-models-{name.Split('-')[0]}",
            };
        }
        foreach (var elsewhere in manifest.Services.Where(service => !here.Contains(service)))
        {
            settings[EnvironmentTranslator.UrlSetting(elsewhere.Name)] = $"https://{elsewhere.Name}.platform.example.com";
        }
        return settings;
    }
}

/// <summary>Which cluster runs what.</summary>
public static class Topology
{
    /// <summary>The cloud a service belongs to (its name ends in -aws, -gcp or -azure); null for a global service.</summary>
    public static string? CloudOf(ManifestService service) =>
        CloudOverlay.All.Select(overlay => overlay.Cloud).FirstOrDefault(cloud => service.Name.EndsWith("-" + cloud, StringComparison.Ordinal));

    /// <summary>The cloud the global services run in: the registry's home store's.</summary>
    public static string HomeCloud(AspireManifest manifest) =>
        manifest.Services.SelectMany(service => service.Environment)
            .Where(variable => variable.Key == "Registry__HomeStore").Select(variable => variable.Value).FirstOrDefault() ?? CloudOverlay.All[0].Cloud;

    public static IReadOnlyList<ManifestService> ServicesIn(CloudOverlay overlay, AspireManifest manifest) =>
        manifest.Services.Where(service => CloudOf(service) == overlay.Cloud || (CloudOf(service) is null && HomeCloud(manifest) == overlay.Cloud)).ToList();
}
