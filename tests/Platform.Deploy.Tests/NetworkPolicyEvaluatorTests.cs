using k8s.Models;

namespace Platform.Deploy.Tests;

/// <summary>
/// No cluster runs here, so the evaluator stands in for a CNI's enforcement; these cases pin it to the semantics the
/// Kubernetes documentation gives for NetworkPolicy (kubernetes.io/docs/concepts/services-networking/network-policies).
/// </summary>
public sealed class NetworkPolicyEvaluatorTests
{
    private static readonly Peer Web = Peer.Pod("web", "shop", new Dictionary<string, string> { ["app"] = "web" });
    private static readonly Peer Db = Peer.Pod("db", "shop", new Dictionary<string, string> { ["app"] = "db" });
    private static readonly Peer Monitor = Peer.Pod("monitor", "ops", new Dictionary<string, string> { ["app"] = "web" });

    [Fact]
    public void Without_policies_everything_is_allowed_and_a_default_deny_closes_both_directions()
    {
        Assert.True(new NetworkPolicyEvaluator([]).Allows(Web, Db, 5432));

        var deny = new NetworkPolicyEvaluator([Policy("shop", new V1LabelSelector(), ["Ingress", "Egress"])]);

        Assert.False(deny.Allows(Web, Db, 5432));
        Assert.False(deny.Allows(Peer.Outside("internet", "203.0.113.1"), Db, 5432));
        Assert.True(deny.Allows(Monitor, Peer.Outside("internet", "203.0.113.1"), 443));
    }

    [Fact]
    public void Policies_add_up_and_a_connection_needs_the_senders_egress_and_the_receivers_ingress()
    {
        var ingressOnly = Policy("shop", Select("db"), ["Ingress"], ingress: [new V1NetworkPolicyIngressRule { FromProperty = [Pods("web")], Ports = [Tcp(5432)] }]);
        var denyEgress = Policy("shop", Select("web"), ["Egress"]);

        Assert.True(new NetworkPolicyEvaluator([ingressOnly]).Allows(Web, Db, 5432));
        Assert.False(new NetworkPolicyEvaluator([ingressOnly]).Allows(Web, Db, 5433));
        Assert.False(new NetworkPolicyEvaluator([ingressOnly, denyEgress]).Allows(Web, Db, 5432));
        var allowEgress = Policy("shop", Select("web"), ["Egress"], egress: [new V1NetworkPolicyEgressRule { To = [Pods("db")] }]);
        Assert.True(new NetworkPolicyEvaluator([ingressOnly, denyEgress, allowEgress]).Allows(Web, Db, 5432));
    }

    [Fact]
    public void A_pod_selector_alone_means_the_policys_namespace_and_with_a_namespace_selector_both_must_match()
    {
        var samePeer = Policy("shop", Select("db"), ["Ingress"], ingress: [new V1NetworkPolicyIngressRule { FromProperty = [Pods("web")] }]);
        var bothInOnePeer = Policy("shop", Select("db"), ["Ingress"], ingress: [new V1NetworkPolicyIngressRule
        {
            FromProperty = [new V1NetworkPolicyPeer { NamespaceSelector = Namespace("ops"), PodSelector = Select("web") }],
        }]);
        var eitherPeer = Policy("shop", Select("db"), ["Ingress"], ingress: [new V1NetworkPolicyIngressRule
        {
            FromProperty = [new V1NetworkPolicyPeer { NamespaceSelector = Namespace("ops") }, Pods("nothing")],
        }]);

        Assert.True(new NetworkPolicyEvaluator([samePeer]).Allows(Web, Db, 1));
        Assert.False(new NetworkPolicyEvaluator([samePeer]).Allows(Monitor, Db, 1));
        Assert.True(new NetworkPolicyEvaluator([bothInOnePeer]).Allows(Monitor, Db, 1));
        Assert.False(new NetworkPolicyEvaluator([bothInOnePeer]).Allows(Web, Db, 1));
        Assert.True(new NetworkPolicyEvaluator([eitherPeer]).Allows(Monitor, Db, 1));
    }

    [Fact]
    public void Ports_match_by_protocol_and_an_end_port_makes_a_range_and_ip_blocks_match_only_outside_addresses()
    {
        var range = Policy("shop", Select("web"), ["Egress"], egress:
        [
            new V1NetworkPolicyEgressRule { Ports = [new V1NetworkPolicyPort { Protocol = "TCP", Port = 35672, EndPort = 35682 }] },
            new V1NetworkPolicyEgressRule { To = [new V1NetworkPolicyPeer { IpBlock = new V1IPBlock { Cidr = "10.0.0.0/8", Except = ["10.9.0.0/16"] } }] },
        ]);
        var evaluator = new NetworkPolicyEvaluator([range]);

        Assert.True(evaluator.Allows(Web, Db, 35682));
        Assert.False(evaluator.Allows(Web, Db, 35683));
        Assert.False(evaluator.Allows(Web, Db, 35672, "UDP"));
        Assert.True(evaluator.Allows(Web, Peer.Outside("database", "10.1.2.3"), 5432));
        Assert.False(evaluator.Allows(Web, Peer.Outside("excepted", "10.9.2.3"), 5432));
        Assert.False(evaluator.Allows(Web, Db, 5432));
    }

    private static V1NetworkPolicy Policy(string @namespace, V1LabelSelector selector, List<string> types,
        List<V1NetworkPolicyIngressRule>? ingress = null, List<V1NetworkPolicyEgressRule>? egress = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "policy", NamespaceProperty = @namespace },
        Spec = new V1NetworkPolicySpec { PodSelector = selector, PolicyTypes = types, Ingress = ingress, Egress = egress },
    };

    private static V1LabelSelector Select(string app) => new() { MatchLabels = new Dictionary<string, string> { ["app"] = app } };

    private static V1LabelSelector Namespace(string name) => new() { MatchLabels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = name } };

    private static V1NetworkPolicyPeer Pods(string app) => new() { PodSelector = Select(app) };

    private static V1NetworkPolicyPort Tcp(int port) => new() { Protocol = "TCP", Port = port };
}
