using k8s.Models;

namespace Platform.Deploy;

/// <summary>
/// The broker: one RabbitMQ cluster of the RabbitMQ Cluster Operator, run by the home cloud's cluster (the other clouds'
/// services share it over AMQPS, as every service shares one broker locally), with its NetworkPolicy; in the home overlay
/// its disks' storage class, its TLS listener and a load balancer for AMQPS only.
/// </summary>
public static class RabbitMq
{
    public const string Name = "rabbitmq";

    /// <summary>The Secret (tls.crt, tls.key) of the AMQPS listener, which the deployment creates.</summary>
    public const string TlsSecret = "rabbitmq-tls";

    /// <summary>The operator labels the nodes' pods with the cluster's name, as <c>app.kubernetes.io/name</c>.</summary>
    public static V1LabelSelector PodSelector() => BaseManifests.Selector(Name);

    /// <summary>Three nodes; every durable queue is a quorum queue (the services ask for it by Messaging:QuorumQueues, and default_queue_type covers any other declaration on RabbitMQ 3.13 and later).</summary>
    public static Dictionary<string, object> Cluster() => new()
    {
        ["apiVersion"] = "rabbitmq.com/v1beta1",
        ["kind"] = "RabbitmqCluster",
        ["metadata"] = new Dictionary<string, object>
        {
            ["name"] = Name,
            ["labels"] = new Dictionary<string, string> { ["app.kubernetes.io/part-of"] = "platform" },
        },
        ["spec"] = new Dictionary<string, object>
        {
            ["replicas"] = 3,
            ["resources"] = new Dictionary<string, object>
            {
                ["requests"] = new Dictionary<string, string> { ["cpu"] = "500m", ["memory"] = "1Gi" },
                ["limits"] = new Dictionary<string, string> { ["cpu"] = "1", ["memory"] = "2Gi" },
            },
            ["persistence"] = new Dictionary<string, object> { ["storage"] = "20Gi" },
            ["rabbitmq"] = new Dictionary<string, object>
            {
                ["additionalConfig"] = "default_queue_type = quorum\n",
            },
        },
    };

    /// <summary>The home overlay's patch: the cloud's storage class, and the AMQPS listener (5671) with the deployment's certificate.</summary>
    public static Dictionary<string, object> HomePatch(CloudOverlay overlay) => new()
    {
        ["apiVersion"] = "rabbitmq.com/v1beta1",
        ["kind"] = "RabbitmqCluster",
        ["metadata"] = new Dictionary<string, string> { ["name"] = Name },
        ["spec"] = new Dictionary<string, object>
        {
            ["persistence"] = new Dictionary<string, string> { ["storageClassName"] = overlay.StorageClass },
            ["tls"] = new Dictionary<string, string> { ["secretName"] = TlsSecret },
        },
    };

    /// <summary>A load balancer for AMQPS alone (the operator's own Service stays internal: plain AMQP and management never leave the cluster).</summary>
    public static V1Service PublicService(CloudOverlay overlay) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new V1ObjectMeta
        {
            Name = $"{Name}-amqps",
            Labels = BaseManifests.Meta($"{Name}-amqps").Labels,
            Annotations = overlay.LoadBalancerAnnotations.Count == 0 ? null : new Dictionary<string, string>(overlay.LoadBalancerAnnotations),
        },
        Spec = new V1ServiceSpec
        {
            Type = "LoadBalancer",
            Selector = PodSelector().MatchLabels,
            Ports = [new V1ServicePort { Name = "amqps", Port = NetworkPolicies.AmqpsPort, TargetPort = NetworkPolicies.AmqpsPort, Protocol = "TCP" }],
        },
    };
}
