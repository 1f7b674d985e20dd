using k8s.Models;

namespace Platform.Deploy;

/// <summary>
/// The per-cloud overlays. Each cluster runs its own cloud's services (<c>*-aws</c> on EKS, ...); the global ones (the
/// registry, the gateway) and the broker run in the registry's home cloud. Values that only the deployment knows (account
/// IDs, bucket names, hosts, certificates) are example values in the overlay's <c>settings</c> component, to replace with
/// the Terraform outputs in an overlay of your own on top of these (docs/deploy.md).
/// </summary>
public static class Overlays
{
    /// <summary>Objects the overlay adds to the bases: the broker's public side at home, and GKE's managed certificates.</summary>
    public static IEnumerable<(string File, object Resource)> Resources(CloudOverlay overlay, AspireManifest manifest, IReadOnlyList<ManifestService> services)
    {
        if (Topology.RunsBroker(overlay, manifest))
        {
            yield return ("rabbitmq-amqps-service.yaml", RabbitMq.PublicService(overlay));
            yield return ("rabbitmq-amqps-network-policy.yaml", NetworkPolicies.ForPublicBroker());
        }
        if (overlay.Ingress == IngressKind.Gce)
        {
            foreach (var service in services.Where(service => service.External))
            {
                yield return ($"managed-certificate-{service.Name}.yaml", PublicEndpoints.ManagedCertificate(service));
            }
        }
    }

    /// <summary>The patches: workload identity, pod changes (node pools, credentials for the other clouds' stores), the broker's disks and TLS.</summary>
    public static IEnumerable<(string File, object Resource)> Patches(CloudOverlay overlay, AspireManifest manifest, IReadOnlyList<ManifestService> services)
    {
        foreach (var service in services)
        {
            var ownIdentity = UsesOwnCloud(overlay, service);
            if (ownIdentity)
            {
                yield return ($"identity-{service.Name}.yaml", new V1ServiceAccount
                {
                    ApiVersion = "v1", Kind = "ServiceAccount",
                    Metadata = new V1ObjectMeta { Name = service.Name, Annotations = new Dictionary<string, string> { [overlay.IdentityAnnotation] = overlay.IdentityValue(service.Name) } },
                });
            }
            if (PodPatch(overlay, service, ownIdentity) is { } pod)
            {
                yield return ($"pods-{service.Name}.yaml", pod);
            }
        }
        if (Topology.RunsBroker(overlay, manifest))
        {
            yield return ("rabbitmq.yaml", RabbitMq.HomePatch(overlay));
        }
    }

    /// <summary>Whether a service reads its cluster's own cloud's store, and so gets that cloud's workload identity.</summary>
    public static bool UsesOwnCloud(CloudOverlay overlay, ManifestService service) => EnvironmentTranslator.StoreClouds(service).Contains(overlay.Cloud);

    /// <summary>
    /// The pod-level changes: the AKS workload-identity label, inference on its own (optionally GPU) node pool, and the
    /// tokens and environment that let the service read the other clouds' stores.
    /// </summary>
    private static V1Deployment? PodPatch(CloudOverlay overlay, ManifestService service, bool ownIdentity)
    {
        var inference = ServiceProfile.For(service).Inference;
        var label = overlay.WorkloadIdentityPodLabel && ownIdentity;
        var foreign = CrossCloudCredentials.ForeignClouds(overlay, service);
        if (!label && !inference && foreign.Count == 0)
        {
            return null;
        }
        var spec = new V1PodSpec
        {
            Containers = foreign.Count == 0
                ? []
                : [new V1Container { Name = service.Name, Env = CrossCloudCredentials.Environment(service.Name, foreign).ToList(), VolumeMounts = [CrossCloudCredentials.Mount()] }],
            Volumes = foreign.Count == 0 ? null : [CrossCloudCredentials.Volume(foreign)],
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
                    Metadata = label ? new V1ObjectMeta { Labels = new Dictionary<string, string> { ["azure.workload.identity/use"] = "true" } } : null,
                    Spec = spec,
                },
            },
        };
    }

    /// <summary>
    /// The platform-settings values this cloud's cluster needs: example bucket names; for every external service that runs in
    /// another cluster (the registry away from home, the other clouds' inference for the gateway) its public URL; the public hosts and
    /// certificate of the services here; and the identities this cluster's services use in the other clouds.
    /// </summary>
    public static SortedDictionary<string, string> Settings(CloudOverlay overlay, AspireManifest manifest, IReadOnlyList<ManifestService> here)
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
            var callers = here.Where(service => EnvironmentTranslator.CalledServices(service, manifest).Contains(elsewhere.Name)).Select(service => service.Name).ToList();
            if (!elsewhere.External && callers.Count > 0)
            {
                throw new InvalidOperationException(
                    $"{string.Join(", ", callers)} on {overlay.Folder} call {elsewhere.Name}, which runs in another cluster without a public endpoint: mark it WithExternalHttpEndpoints in the AppHost.");
            }
            if (elsewhere.External)
            {
                settings[EnvironmentTranslator.UrlSetting(elsewhere.Name)] = $"https://{PublicEndpoints.ExampleHost(elsewhere.Name)}";
            }
        }
        var settingsHere = PublicEndpoints.Settings(overlay, here.Where(service => service.External).ToList())
            .Concat(here.SelectMany(service => CrossCloudCredentials.Settings(overlay, service.Name, CrossCloudCredentials.ForeignClouds(overlay, service))));
        foreach (var (key, value) in settingsHere)
        {
            settings[key] = value;
        }
        return settings;
    }

    /// <summary>Whether any service of this cluster reads GCS from outside GCP, and so needs Google's credential configuration.</summary>
    public static bool ReadsGcsFromOutside(CloudOverlay overlay, IReadOnlyList<ManifestService> here) =>
        here.Any(service => CrossCloudCredentials.ForeignClouds(overlay, service).Contains("gcp"));
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

    /// <summary>The broker runs once, in the home cloud's cluster; the other clusters' services reach it over AMQPS.</summary>
    public static bool RunsBroker(CloudOverlay overlay, AspireManifest manifest) => HomeCloud(manifest) == overlay.Cloud;
}
