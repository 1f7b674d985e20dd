using k8s.Models;

namespace Platform.Deploy;

/// <summary>
/// The kustomize base: for every service of the manifest a ServiceAccount, a ConfigMap of its literal settings, a Deployment
/// (probes, resources, a locked-down security context), a Service, a PodDisruptionBudget, an HPA where the profile scales,
/// an Ingress where the AppHost marks the endpoint external, and a NetworkPolicy allowing only the flows the manifest shows;
/// plus the shared settings ConfigMap and a default-deny policy (<c>shared</c>), and the RabbitMQ cluster with its policy (<c>rabbitmq</c>).
/// </summary>
public static class BaseManifests
{
    public const string Namespace = "platform";
    public const string SettingsMap = "platform-settings";
    public const string SecretsName = "platform-secrets";
    private const string PartOf = "platform";

    public static IEnumerable<(string File, object Resource)> Build(AspireManifest manifest)
    {
        yield return ("namespace.yaml", new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = Namespace } });
        yield return ("platform-settings.yaml", Settings(manifest));
        yield return ("network-policy-default-deny.yaml", DefaultDeny());
        yield return ($"{RabbitMq.Name}/rabbitmq.yaml", RabbitMq.Cluster());
        yield return ($"{RabbitMq.Name}/network-policy.yaml", NetworkPolicies.ForBroker(manifest));
        foreach (var service in manifest.Services)
        {
            var profile = ServiceProfile.For(service);
            var translated = service.Environment.ToDictionary(variable => variable.Key,
                variable => EnvironmentTranslator.Translate(service.Name, variable.Key, variable.Value, manifest));
            var folder = service.Name;
            yield return ($"{folder}/service-account.yaml", new V1ServiceAccount
            {
                ApiVersion = "v1", Kind = "ServiceAccount", Metadata = Meta(service.Name),
            });
            yield return ($"{folder}/config.yaml", new V1ConfigMap
            {
                ApiVersion = "v1", Kind = "ConfigMap", Metadata = Meta($"{service.Name}-config"),
                Data = translated.Where(pair => pair.Value is EnvSource.Literal)
                    .Select(pair => KeyValuePair.Create(pair.Key, ((EnvSource.Literal)pair.Value).Value))
                    .OrderBy(pair => pair.Key, StringComparer.Ordinal)
                    .ToDictionary(pair => pair.Key, pair => pair.Value),
            });
            yield return ($"{folder}/deployment.yaml", Deployment(service, profile, translated));
            yield return ($"{folder}/service.yaml", Service(service));
            yield return ($"{folder}/pod-disruption-budget.yaml", new V1PodDisruptionBudget
            {
                ApiVersion = "policy/v1", Kind = "PodDisruptionBudget", Metadata = Meta(service.Name),
                Spec = new V1PodDisruptionBudgetSpec { MaxUnavailable = 1, Selector = Selector(service.Name) },
            });
            if (profile.Autoscaled)
            {
                yield return ($"{folder}/horizontal-pod-autoscaler.yaml", Autoscaler(service, profile));
            }
            if (service.External)
            {
                yield return ($"{folder}/ingress.yaml", Ingress(service));
            }
            yield return ($"{folder}/network-policy.yaml", NetworkPolicies.For(service, manifest));
        }
    }

    public static V1ObjectMeta Meta(string name, IDictionary<string, string>? labels = null) => new()
    {
        Name = name,
        Labels = new Dictionary<string, string>(labels ?? new Dictionary<string, string>())
        {
            ["app.kubernetes.io/name"] = name,
            ["app.kubernetes.io/part-of"] = PartOf,
        },
    };

    public static V1LabelSelector Selector(string service) => new() { MatchLabels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = service } };

    /// <summary>
    /// Every setting and endpoint the services read, with a default where one makes sense in-cluster (another service's URL)
    /// and an empty value where only the deployment knows it (a bucket); each overlay fills in its cloud's.
    /// </summary>
    private static V1ConfigMap Settings(AspireManifest manifest)
    {
        var data = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var parameter in manifest.Parameters.Values.Where(parameter => !parameter.Secret))
        {
            data[parameter.Name] = "";
        }
        foreach (var service in manifest.Services)
        {
            data[EnvironmentTranslator.UrlSetting(service.Name)] = $"http://{service.Name}";
        }
        return new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = Meta(SettingsMap), Data = data };
    }

    private static V1Deployment Deployment(ManifestService service, ServiceProfile profile, IReadOnlyDictionary<string, EnvSource> environment)
    {
        var env = environment.Where(pair => pair.Value is not EnvSource.Literal).OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => pair.Value switch
            {
                EnvSource.Setting setting => new V1EnvVar
                {
                    Name = pair.Key,
                    ValueFrom = new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Key = setting.Key, Name = SettingsMap } },
                },
                EnvSource.Secret secret => new V1EnvVar
                {
                    Name = pair.Key,
                    ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Key = secret.Key, Name = SecretsName } },
                },
                _ => throw new InvalidOperationException(),
            })
            .ToList();
        var container = new V1Container
        {
            Name = service.Name,
            Image = ImageName(service),
            Ports = [new V1ContainerPort { ContainerPort = EnvironmentTranslator.ContainerPort, Name = "http" }],
            EnvFrom = [new V1EnvFromSource { ConfigMapRef = new V1ConfigMapEnvSource { Name = $"{service.Name}-config" } }],
            Env = env,
            Resources = new V1ResourceRequirements
            {
                Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(profile.CpuRequest), ["memory"] = new(profile.MemoryRequest) },
                Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(profile.CpuLimit), ["memory"] = new(profile.MemoryLimit) },
            },
            LivenessProbe = Probe("/alive", periodSeconds: 10, failureThreshold: 3),
            ReadinessProbe = Probe("/health", periodSeconds: 5, failureThreshold: 3),
            StartupProbe = Probe("/alive", periodSeconds: 2, failureThreshold: 30),
            SecurityContext = new V1SecurityContext
            {
                RunAsNonRoot = true,
                ReadOnlyRootFilesystem = true,
                AllowPrivilegeEscalation = false,
                Capabilities = new V1Capabilities { Drop = ["ALL"] },
            },
            // The root file system is read-only: temp files (upload spools, the model cache) go to an emptyDir.
            VolumeMounts = [new V1VolumeMount { MountPath = "/tmp", Name = "tmp" }],
        };
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = Meta(service.Name),
            Spec = new V1DeploymentSpec
            {
                Replicas = profile.Autoscaled ? null : profile.Replicas,
                Selector = Selector(service.Name),
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = Meta(service.Name).Labels },
                    Spec = new V1PodSpec
                    {
                        ServiceAccountName = service.Name,
                        // The .NET images' non-root "app" user.
                        SecurityContext = new V1PodSecurityContext
                        {
                            RunAsNonRoot = true, RunAsUser = 1654, RunAsGroup = 1654, FsGroup = 1654,
                            SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                        },
                        Containers = [container],
                        Volumes = [new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = new ResourceQuantity(profile.Inference ? "8Gi" : "4Gi") } }],
                    },
                },
            },
        };
    }

    /// <summary>The image that <c>dotnet publish /t:PublishContainer</c> builds from the project (ContainerRepository in its csproj).</summary>
    public static string ImageName(ManifestService service) => $"platform/{ServiceImage(service.Project)}:latest";

    private static string ServiceImage(string project) => project.Replace("Platform.", "", StringComparison.Ordinal).ToLowerInvariant();

    private static V1Probe Probe(string path, int periodSeconds, int failureThreshold) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path, Port = "http" },
        PeriodSeconds = periodSeconds,
        FailureThreshold = failureThreshold,
        TimeoutSeconds = 3,
    };

    private static V1Service Service(ManifestService service) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = Meta(service.Name),
        Spec = new V1ServiceSpec
        {
            Selector = Selector(service.Name).MatchLabels,
            Ports = [new V1ServicePort { Port = 80, Name = "http", TargetPort = "http" }],
        },
    };

    private static V2HorizontalPodAutoscaler Autoscaler(ManifestService service, ServiceProfile profile) => new()
    {
        ApiVersion = "autoscaling/v2",
        Kind = "HorizontalPodAutoscaler",
        Metadata = Meta(service.Name),
        Spec = new V2HorizontalPodAutoscalerSpec
        {
            ScaleTargetRef = new V2CrossVersionObjectReference { Kind = "Deployment", Name = service.Name, ApiVersion = "apps/v1" },
            MinReplicas = profile.Replicas,
            MaxReplicas = profile.Replicas * 5,
            Metrics =
            [
                new V2MetricSpec
                {
                    Type = "Resource",
                    Resource = new V2ResourceMetricSource { Name = "cpu", Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = 70 } },
                },
            ],
        },
    };

    private static V1Ingress Ingress(ManifestService service) => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "Ingress",
        Metadata = Meta(service.Name),
        Spec = new V1IngressSpec { Rules = [IngressRule(service, host: null)] },
    };

    /// <summary>Everything under <c>/</c> to the service's http port, for <paramref name="host"/> (any host when null).</summary>
    public static V1IngressRule IngressRule(ManifestService service, string? host) => new()
    {
        Host = host,
        Http = new V1HTTPIngressRuleValue
        {
            Paths = [new V1HTTPIngressPath
            {
                Path = "/", PathType = "Prefix",
                Backend = new V1IngressBackend { Service = new V1IngressServiceBackend { Name = service.Name, Port = new V1ServiceBackendPort { Name = "http" } } },
            }],
        },
    };

    private static V1NetworkPolicy DefaultDeny() => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "NetworkPolicy",
        Metadata = Meta("default-deny"),
        Spec = new V1NetworkPolicySpec { PodSelector = new V1LabelSelector(), PolicyTypes = ["Ingress", "Egress"] },
    };
}
