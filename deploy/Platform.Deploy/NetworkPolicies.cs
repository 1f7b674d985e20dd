using k8s.Models;

namespace Platform.Deploy;

/// <summary>
/// One NetworkPolicy per service, on top of the namespace's default deny, allowing exactly the flows the manifest shows:
/// ingress from the services that call it (and from anywhere when the AppHost marks it external, for the ingress controller),
/// egress to the services it calls, to RabbitMQ and the database when it uses their connection strings, to DNS, and to
/// HTTPS (object stores and identity endpoints are cloud APIs outside the cluster, which NetworkPolicy can only address as IPs).
/// The broker's own policy (<see cref="ForBroker"/>) lets its users, its peers and its operator in.
/// </summary>
public static class NetworkPolicies
{
    public const int AmqpPort = 5672;
    public const int AmqpsPort = 5671;
    private const int PostgresPort = 5432;

    /// <summary>The namespace the RabbitMQ Cluster Operator (and the messaging topology operator) install into.</summary>
    public const string OperatorNamespace = "rabbitmq-system";

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

        var egress = new List<V1NetworkPolicyEgressRule> { Dns(), new() { Ports = [Tcp(443)] } };
        foreach (var called in EnvironmentTranslator.CalledServices(service, manifest))
        {
            egress.Add(new V1NetworkPolicyEgressRule { To = [Pods(called)], Ports = [Tcp(EnvironmentTranslator.ContainerPort)] });
        }
        if (EnvironmentTranslator.Uses(service, "rabbitmq"))
        {
            egress.Add(new V1NetworkPolicyEgressRule { To = [Broker()], Ports = [Tcp(AmqpPort)] });
            // Away from the home cloud the broker is the home cluster's, over AMQPS through its load balancer.
            egress.Add(new V1NetworkPolicyEgressRule { Ports = [Tcp(AmqpsPort)] });
        }
        if (EnvironmentTranslator.Uses(service, "registrydb"))
        {
            // A managed database (RDS, Cloud SQL, Azure Database) lives outside the cluster, at an address only the deployment knows.
            egress.Add(new V1NetworkPolicyEgressRule { Ports = [Tcp(PostgresPort)] });
        }
        return Policy(service.Name, BaseManifests.Selector(service.Name), ingress, egress);
    }

    /// <summary>
    /// The RabbitMQ nodes: AMQP from the services that use the broker; Erlang distribution (epmd 4369, 25672) and the CLI
    /// tools' ports (35672-35682) between the nodes; management and Prometheus (15672, 15692) from the operators' namespace;
    /// out, DNS and the Kubernetes API (peer discovery lists the cluster's pods; the API server is outside the pod network).
    /// </summary>
    public static V1NetworkPolicy ForBroker(AspireManifest manifest)
    {
        var users = manifest.Services.Where(service => EnvironmentTranslator.Uses(service, "rabbitmq")).Select(service => Pods(service.Name)).ToList();
        List<V1NetworkPolicyPort> clustering = [Tcp(4369), Tcp(25672), new() { Protocol = "TCP", Port = 35672, EndPort = 35682 }];
        var ingress = new List<V1NetworkPolicyIngressRule>
        {
            new() { FromProperty = [Broker()], Ports = clustering },
            new()
            {
                FromProperty = [new V1NetworkPolicyPeer { NamespaceSelector = NamespaceNamed(OperatorNamespace) }],
                Ports = [Tcp(15672), Tcp(15692)],
            },
        };
        if (users.Count > 0)
        {
            ingress.Insert(0, new V1NetworkPolicyIngressRule { FromProperty = users, Ports = [Tcp(AmqpPort)] });
        }
        var egress = new List<V1NetworkPolicyEgressRule>
        {
            new() { To = [Broker()], Ports = clustering },
            Dns(),
            new() { Ports = [Tcp(443), Tcp(6443)] },
        };
        return Policy(RabbitMq.Name, RabbitMq.PodSelector(), ingress, egress);
    }

    /// <summary>The home cluster's broker takes AMQPS from the other clouds' services, which arrive through its load balancer from outside.</summary>
    public static V1NetworkPolicy ForPublicBroker() =>
        Policy($"{RabbitMq.Name}-amqps", RabbitMq.PodSelector(), [new V1NetworkPolicyIngressRule { Ports = [Tcp(AmqpsPort)] }], null);

    private static V1NetworkPolicy Policy(string name, V1LabelSelector selector, List<V1NetworkPolicyIngressRule> ingress, List<V1NetworkPolicyEgressRule>? egress) => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "NetworkPolicy",
        Metadata = BaseManifests.Meta(name),
        Spec = new V1NetworkPolicySpec
        {
            PodSelector = selector,
            PolicyTypes = egress is null ? ["Ingress"] : ["Ingress", "Egress"],
            Ingress = ingress,
            Egress = egress,
        },
    };

    private static V1NetworkPolicyEgressRule Dns() => new()
    {
        To = [new V1NetworkPolicyPeer { NamespaceSelector = NamespaceNamed("kube-system") }],
        Ports = [new V1NetworkPolicyPort { Protocol = "UDP", Port = 53 }, Tcp(53)],
    };

    private static V1LabelSelector NamespaceNamed(string name) => new() { MatchLabels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = name } };

    private static V1NetworkPolicyPeer Pods(string name) => new() { PodSelector = BaseManifests.Selector(name) };

    private static V1NetworkPolicyPeer Broker() => new() { PodSelector = RabbitMq.PodSelector() };

    private static V1NetworkPolicyPort Tcp(int port) => new() { Protocol = "TCP", Port = port };
}
