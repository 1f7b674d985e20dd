using k8s.Models;
using Platform.Deploy;

namespace Platform.Deploy.Tests;

/// <summary>
/// The rendered NetworkPolicies of the base and every overlay, evaluated: every flow the topology needs is allowed, and
/// flows it does not need are denied. The needed flows are read from what the Deployments reference (another service's URL,
/// the rabbitmq and registrydb secrets), not from the generator's own policy rules.
/// </summary>
public sealed class NetworkFlowTests(DeploymentFixture fixture)
{
    private const string Namespace = BaseManifests.Namespace;

    // The RabbitMQ Cluster Operator labels the nodes' pods like this (the cluster is named rabbitmq).
    private static readonly Peer Broker = Peer.Pod("rabbitmq-server-0", Namespace, new Dictionary<string, string>
    {
        ["app.kubernetes.io/name"] = "rabbitmq", ["app.kubernetes.io/component"] = "rabbitmq", ["app.kubernetes.io/part-of"] = "rabbitmq",
    });

    private static readonly Peer OtherBroker = Broker with { Name = "rabbitmq-server-1" };
    private static readonly Peer Operator = Peer.Pod("operator", "rabbitmq-system", new Dictionary<string, string> { ["app.kubernetes.io/name"] = "rabbitmq-cluster-operator" });
    private static readonly Peer Dns = Peer.Pod("kube-dns", "kube-system", new Dictionary<string, string> { ["k8s-app"] = "kube-dns" });
    private static readonly Peer KubernetesApi = Peer.Outside("the Kubernetes API server", "172.20.0.1");
    private static readonly Peer Database = Peer.Outside("the managed PostgreSQL", "10.0.40.12");
    private static readonly Peer Internet = Peer.Outside("a client on the internet", "203.0.113.7");
    private static readonly Peer LoadBalancer = Peer.Outside("the cloud's load balancer", "10.0.1.25");
    private static readonly Peer OtherCloud = Peer.Outside("another cloud's public endpoint", "198.51.100.20");

    public static TheoryData<string> Targets => ["base", .. DeploymentFixture.Overlays];

    [Theory]
    [MemberData(nameof(Targets))]
    public void The_ingress_controller_reaches_every_external_service(string target)
    {
        var cluster = Cluster(target);
        // AKS application routing runs nginx as pods in its own namespace; ALB and GKE's load balancer come from outside the pods.
        var controller = target == "aks"
            ? Peer.Pod("nginx", "app-routing-system", new Dictionary<string, string> { ["app"] = "nginx" })
            : LoadBalancer;
        var external = fixture.Manifest.Services.Where(service => service.External && cluster.Pods.ContainsKey(service.Name)).ToList();

        Assert.NotEmpty(external);
        Assert.All(external, service => AssertAllowed(cluster, controller, cluster.Pods[service.Name], EnvironmentTranslator.ContainerPort));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_service_reaches_the_services_it_calls_here_and_the_others_through_their_public_endpoints(string target)
    {
        var cluster = Cluster(target);
        var calls = cluster.Deployments.SelectMany(deployment => References(deployment, source => source.ConfigMapKeyRef?.Key)
            .Where(key => key.EndsWith("-url", StringComparison.Ordinal))
            .Select(key => (From: deployment.Metadata.Name, To: key[..^"-url".Length]))).ToList();

        Assert.Contains(calls, call => call.To == "registry");
        foreach (var (from, to) in calls)
        {
            if (cluster.Pods.TryGetValue(to, out var callee))
            {
                AssertAllowed(cluster, cluster.Pods[from], callee, EnvironmentTranslator.ContainerPort);
            }
            else
            {
                AssertAllowed(cluster, cluster.Pods[from], OtherCloud, 443);
            }
        }
        if (cluster.Pods.TryGetValue("gateway", out var gateway))
        {
            var inference = cluster.Pods.Keys.Where(name => name.StartsWith("inference-", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(inference);
            Assert.All(inference, name => AssertAllowed(cluster, gateway, cluster.Pods[name], EnvironmentTranslator.ContainerPort));
        }
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_user_of_the_broker_reaches_it_on_amqp_here_or_amqps_at_home(string target)
    {
        var cluster = Cluster(target);
        var users = cluster.Deployments.Where(deployment => References(deployment, source => source.SecretKeyRef?.Key).Contains("rabbitmq"))
            .Select(deployment => cluster.Pods[deployment.Metadata.Name]).ToList();

        Assert.NotEmpty(users);
        foreach (var user in users)
        {
            if (cluster.RunsBroker)
            {
                AssertAllowed(cluster, user, Broker, NetworkPolicies.AmqpPort);
            }
            else
            {
                AssertAllowed(cluster, user, OtherCloud, NetworkPolicies.AmqpsPort);
            }
        }
    }

    [Theory]
    [InlineData("base")]
    [InlineData("eks")]
    public void The_broker_nodes_cluster_with_each_other_and_answer_their_operator(string target)
    {
        var cluster = Cluster(target);

        Assert.True(cluster.RunsBroker);
        foreach (var port in new[] { 4369, 25672, 35672, 35682 })
        {
            AssertAllowed(cluster, Broker, OtherBroker, port);
            AssertAllowed(cluster, OtherBroker, Broker, port);
        }
        AssertAllowed(cluster, Operator, Broker, 15672);
        AssertAllowed(cluster, Operator, Broker, 15692);
        AssertAllowed(cluster, Broker, Dns, 53, "UDP");
        AssertAllowed(cluster, Broker, KubernetesApi, 443);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Only_the_registry_reaches_the_database(string target)
    {
        var cluster = Cluster(target);
        var users = cluster.Deployments.Where(deployment => References(deployment, source => source.SecretKeyRef?.Key).Contains("registrydb"))
            .Select(deployment => deployment.Metadata.Name).ToList();

        Assert.Equal(cluster.Pods.ContainsKey("registry") ? ["registry"] : [], users);
        Assert.All(cluster.Pods, pod => Assert.Equal(users.Contains(pod.Key), cluster.Policies.Allows(pod.Value, Database, 5432)));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Flows_the_topology_does_not_need_are_denied(string target)
    {
        var cluster = Cluster(target);
        var inference = cluster.Pods.Where(pod => pod.Key.StartsWith("inference-", StringComparison.Ordinal)).Select(pod => pod.Value).ToList();
        var sync = cluster.Pods.Where(pod => pod.Key.StartsWith("sync-", StringComparison.Ordinal)).Select(pod => pod.Value).ToList();

        if (cluster.Pods.TryGetValue("gateway", out var gateway))
        {
            AssertDenied(cluster, gateway, Database, 5432);
            AssertDenied(cluster, gateway, Broker, NetworkPolicies.AmqpPort);
        }
        foreach (var pod in inference)
        {
            AssertDenied(cluster, pod, Broker, 15672);
            AssertDenied(cluster, pod, Database, 5432);
            Assert.All(sync, worker => AssertDenied(cluster, pod, worker, EnvironmentTranslator.ContainerPort));
            Assert.All(sync, worker => AssertDenied(cluster, worker, pod, EnvironmentTranslator.ContainerPort));
        }
        AssertDenied(cluster, Internet, Broker, NetworkPolicies.AmqpPort);
        AssertDenied(cluster, Internet, Broker, 15672);
        Assert.All(sync, worker => AssertDenied(cluster, Internet, worker, EnvironmentTranslator.ContainerPort));
    }

    [Fact]
    public void Only_the_home_cluster_takes_amqps_from_the_other_clouds()
    {
        foreach (var overlay in DeploymentFixture.Overlays)
        {
            var cluster = Cluster(overlay);
            Assert.Equal(cluster.RunsBroker, cluster.Policies.Allows(OtherCloud, Broker, NetworkPolicies.AmqpsPort));
        }
        Assert.True(Cluster("eks").RunsBroker);
        Assert.False(Cluster("base").Policies.Allows(OtherCloud, Broker, NetworkPolicies.AmqpsPort));
    }

    private static void AssertAllowed(RenderedCluster cluster, Peer from, Peer to, int port, string protocol = "TCP") =>
        Assert.True(cluster.Policies.Allows(from, to, port, protocol), $"{cluster.Target}: {from} -> {to}:{port}/{protocol} is denied, but the topology needs it");

    private static void AssertDenied(RenderedCluster cluster, Peer from, Peer to, int port) =>
        Assert.False(cluster.Policies.Allows(from, to, port), $"{cluster.Target}: {from} -> {to}:{port} is allowed, but nothing needs it");

    private static IReadOnlyList<string> References(V1Deployment deployment, Func<V1EnvVarSource, string?> key) =>
        deployment.Spec.Template.Spec.Containers.SelectMany(container => container.Env ?? [])
            .Select(variable => variable.ValueFrom is { } source ? key(source) : null).OfType<string>().ToList();

    private RenderedCluster Cluster(string target)
    {
        var deployments = fixture.All<V1Deployment>(target).ToList();
        return new RenderedCluster(
            target,
            deployments,
            deployments.ToDictionary(deployment => deployment.Metadata.Name,
                deployment => Peer.Pod(deployment.Metadata.Name, deployment.Metadata.NamespaceProperty, deployment.Spec.Template.Metadata.Labels)),
            fixture.All<RabbitmqCluster>(target).Any(),
            new NetworkPolicyEvaluator(fixture.All<V1NetworkPolicy>(target)));
    }

    private sealed record RenderedCluster(string Target, IReadOnlyList<V1Deployment> Deployments, IReadOnlyDictionary<string, Peer> Pods, bool RunsBroker, NetworkPolicyEvaluator Policies);
}
