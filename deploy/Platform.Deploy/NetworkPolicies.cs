using k8s.Models;

namespace Platform.Deploy;

/// <summary>
/// One NetworkPolicy per service, on top of the namespace's default deny, allowing exactly the flows the manifest shows:
/// ingress from the services that call it (and from anywhere when the AppHost marks it external, for the ingress controller),
/// egress to the services it calls, to RabbitMQ and the database when it uses their connection strings, to DNS, and to
/// HTTPS (object stores and identity endpoints are cloud APIs outside the cluster, which NetworkPolicy can only address as IPs).
/// </summary>
public static class NetworkPolicies
{
    private const int AmqpPort = 5672;
    private const int PostgresPort = 5432;

    public static V1NetworkPolicy For(ManifestService service, AspireManifest manifest)
    {
        var callers = manifest.Services.Where(other => EnvironmentTranslator.CalledServices(other, manifest).Contains(service.Name)).Select(other => other.Name).ToList();
        var ingress = new List<V1NetworkPolicyIngressRule>();
        if (service.External)
        {
            ingress.Add(new V1NetworkPolicyIngressRule { Ports = [Tcp(EnvironmentTranslator.ContainerPort)] });
        }
        else if (callers.Count > 0)
        {
            ingress.Add(new V1NetworkPolicyIngressRule { FromProperty = callers.Select(Pods).ToList(), Ports = [Tcp(EnvironmentTranslator.ContainerPort)] });
        }

        var egress = new List<V1NetworkPolicyEgressRule>
        {
            new()
            {
                To = [new V1NetworkPolicyPeer { NamespaceSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = "kube-system" } } }],
                Ports = [new V1NetworkPolicyPort { Protocol = "UDP", Port = 53 }, Tcp(53)],
            },
            new() { Ports = [Tcp(443)] },
        };
        foreach (var called in EnvironmentTranslator.CalledServices(service, manifest))
        {
            egress.Add(new V1NetworkPolicyEgressRule { To = [Pods(called)], Ports = [Tcp(EnvironmentTranslator.ContainerPort)] });
        }
        if (EnvironmentTranslator.Uses(service, "rabbitmq"))
        {
            egress.Add(new V1NetworkPolicyEgressRule { To = [Pods("rabbitmq")], Ports = [Tcp(AmqpPort)] });
        }
        if (EnvironmentTranslator.Uses(service, "registrydb"))
        {
            // A managed database (RDS, Cloud SQL, Azure Database) lives outside the cluster, at an address only the deployment knows.
            egress.Add(new V1NetworkPolicyEgressRule { Ports = [Tcp(PostgresPort)] });
        }
        return new V1NetworkPolicy
        {
            ApiVersion = "networking.k8s.io/v1",
            Kind = "NetworkPolicy",
            Metadata = BaseManifests.Meta(service.Name),
            Spec = new V1NetworkPolicySpec
            {
                PodSelector = BaseManifests.Selector(service.Name),
                PolicyTypes = ["Ingress", "Egress"],
                Ingress = ingress,
                Egress = egress,
            },
        };
    }

    private static V1NetworkPolicyPeer Pods(string name) => new() { PodSelector = BaseManifests.Selector(name) };

    private static V1NetworkPolicyPort Tcp(int port) => new() { Protocol = "TCP", Port = port };
}
