using k8s.Models;

namespace Platform.Deploy;

/// <summary>
/// The public side of a cluster's external services: each one's Ingress for the cloud's controller with its host
/// (<c>&lt;service&gt;.platform.example.com</c>) and TLS, and, on GKE, a ManagedCertificate for that host. The hosts and
/// certificate ids are platform-settings keys; the <c>endpoints</c> component copies them into the Ingresses with kustomize
/// replacements, so an overlay of your own that merges its settings first and then includes the component gets its values
/// into fields that an environment variable cannot reach.
/// </summary>
public static class PublicEndpoints
{
    public const string ComponentFolder = "endpoints";

    /// <summary>The setting that holds a service's public host name.</summary>
    public static string HostSetting(string service) => $"{service}-public-host";

    public static string ExampleHost(string service) => $"{service}.platform.example.com";

    /// <summary>The certificate setting of a cloud: its key, the annotation it goes into, and an example value.</summary>
    public static (string Key, string Annotation, string Example)? Certificate(CloudOverlay overlay) => overlay.Ingress switch
    {
        IngressKind.Alb => ("tls-certificate-arn", "alb.ingress.kubernetes.io/certificate-arn",
            "arn:aws:acm:us-east-1:111122223333:certificate/00000000-0000-0000-0000-000000000000"),
        IngressKind.AppRouting => ("tls-keyvault-certificate-uri", "kubernetes.azure.com/tls-cert-keyvault-uri",
            "https://platform-kv.vault.azure.net/certificates/platform-tls"),
        _ => null,
    };

    /// <summary>The settings this cluster's endpoints read, with example values.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Settings(CloudOverlay overlay, IReadOnlyList<ManifestService> external)
    {
        foreach (var service in external)
        {
            yield return new(HostSetting(service.Name), ExampleHost(service.Name));
        }
        if (external.Count > 0 && Certificate(overlay) is { } certificate)
        {
            yield return new(certificate.Key, certificate.Example);
        }
    }

    /// <summary>The Ingress patch of one service for this cloud; the host and certificate are placeholders that the replacements fill.</summary>
    public static V1Ingress Ingress(CloudOverlay overlay, ManifestService service)
    {
        var host = ExampleHost(service.Name);
        var annotations = new Dictionary<string, string>();
        string? ingressClass = null;
        List<V1IngressTLS>? tls = [new V1IngressTLS { Hosts = [host] }];
        switch (overlay.Ingress)
        {
            case IngressKind.Alb:
                ingressClass = "alb";
                annotations["alb.ingress.kubernetes.io/scheme"] = "internet-facing";
                annotations["alb.ingress.kubernetes.io/target-type"] = "ip";
                // HTTPS only: the services take API keys and bearer tokens, which must never cross the internet in clear text.
                annotations["alb.ingress.kubernetes.io/listen-ports"] = """[{"HTTPS":443}]""";
                annotations["alb.ingress.kubernetes.io/ssl-policy"] = "ELBSecurityPolicy-TLS13-1-2-2021-06";
                // The ALB's default health check asks for "/", which the services do not serve.
                annotations["alb.ingress.kubernetes.io/healthcheck-path"] = "/alive";
                // One load balancer for all of the cluster's public services.
                annotations["alb.ingress.kubernetes.io/group.name"] = "platform";
                break;
            case IngressKind.Gce:
                // GKE's controller ignores spec.ingressClassName (an Ingress with only that field is left alone); it reads this annotation.
                annotations["kubernetes.io/ingress.class"] = "gce";
                annotations["networking.gke.io/managed-certificates"] = service.Name;
                tls = null;
                break;
            case IngressKind.AppRouting:
                ingressClass = "webapprouting.kubernetes.azure.com";
                // Application routing syncs the Key Vault certificate into this Secret (keyvault-<ingress name>).
                tls = [new V1IngressTLS { Hosts = [host], SecretName = $"keyvault-{service.Name}" }];
                break;
        }
        if (Certificate(overlay) is { } certificate)
        {
            annotations[certificate.Annotation] = certificate.Example;
        }
        return new V1Ingress
        {
            ApiVersion = "networking.k8s.io/v1",
            Kind = "Ingress",
            Metadata = new V1ObjectMeta { Name = service.Name, Annotations = annotations },
            Spec = new V1IngressSpec
            {
                IngressClassName = ingressClass,
                Rules = [BaseManifests.IngressRule(service, host)],
                Tls = tls,
            },
        };
    }

    /// <summary>GKE: the Google-managed certificate for a service's host (a resource of the overlay; the replacements set its domain).</summary>
    public static Dictionary<string, object> ManagedCertificate(ManifestService service) => new()
    {
        ["apiVersion"] = "networking.gke.io/v1",
        ["kind"] = "ManagedCertificate",
        ["metadata"] = new Dictionary<string, string> { ["name"] = service.Name },
        ["spec"] = new Dictionary<string, object> { ["domains"] = new[] { ExampleHost(service.Name) } },
    };

    /// <summary>The <c>endpoints</c> component: the Ingress patches, then replacements from platform-settings into them.</summary>
    public static Dictionary<string, object> Component(CloudOverlay overlay, IReadOnlyList<ManifestService> external)
    {
        var replacements = new List<object>();
        foreach (var service in external)
        {
            var targets = new List<object>
            {
                Target("Ingress", service.Name, overlay.Ingress == IngressKind.Gce ? ["spec.rules.0.host"] : ["spec.rules.0.host", "spec.tls.0.hosts.0"]),
            };
            if (overlay.Ingress == IngressKind.Gce)
            {
                targets.Add(Target("ManagedCertificate", service.Name, ["spec.domains.0"]));
            }
            replacements.Add(Replacement(HostSetting(service.Name), targets));
        }
        if (Certificate(overlay) is { } certificate)
        {
            replacements.Add(Replacement(certificate.Key, [Target("Ingress", null, [$"metadata.annotations.[{certificate.Annotation}]"])]));
        }
        return new Dictionary<string, object>
        {
            ["apiVersion"] = "kustomize.config.k8s.io/v1alpha1",
            ["kind"] = "Component",
            ["patches"] = external.Select(service => new Dictionary<string, string> { ["path"] = IngressFile(service) }).ToList(),
            ["replacements"] = replacements,
        };
    }

    public static string IngressFile(ManifestService service) => $"ingress-{service.Name}.yaml";

    private static Dictionary<string, object> Replacement(string setting, List<object> targets) => new()
    {
        ["source"] = new Dictionary<string, string> { ["kind"] = "ConfigMap", ["name"] = BaseManifests.SettingsMap, ["fieldPath"] = $"data.{setting}" },
        ["targets"] = targets,
    };

    private static Dictionary<string, object> Target(string kind, string? name, string[] fieldPaths) => new()
    {
        ["select"] = name is null ? new Dictionary<string, string> { ["kind"] = kind } : new Dictionary<string, string> { ["kind"] = kind, ["name"] = name },
        ["fieldPaths"] = fieldPaths,
    };
}
