using System.Net;
using k8s.Models;

namespace Platform.Deploy.Tests;

/// <summary>One end of a connection: a pod (its namespace, the namespace's labels, its own labels) or an address outside the cluster.</summary>
public sealed record Peer(string Name, string? Namespace, IReadOnlyDictionary<string, string> Labels, IPAddress? Address)
{
    public bool IsPod => Namespace is not null;

    public IReadOnlyDictionary<string, string> NamespaceLabels =>
        Namespace is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = Namespace };

    public static Peer Pod(string name, string @namespace, IDictionary<string, string> labels) => new(name, @namespace, new Dictionary<string, string>(labels), null);

    public static Peer Outside(string name, string address) => new(name, null, new Dictionary<string, string>(), IPAddress.Parse(address));

    public override string ToString() => Name;
}

/// <summary>
/// Decides whether NetworkPolicies let a connection through, as the Kubernetes API defines them: a pod that no policy of a
/// direction selects is open in that direction; a selected pod is closed in it except for what a rule of one of those
/// policies allows; a connection needs the sender's egress and the receiver's ingress (an address outside the cluster has
/// no policies of its own). Peers are matched by podSelector (in the policy's namespace unless a namespaceSelector widens
/// it), namespaceSelector (on the namespace's kubernetes.io/metadata.name label) and ipBlock (outside addresses); ports by
/// protocol, number and endPort. Named ports are refused, so a policy that starts using them fails the tests instead of
/// being misjudged.
/// </summary>
public sealed class NetworkPolicyEvaluator(IEnumerable<V1NetworkPolicy> policies)
{
    private readonly IReadOnlyList<V1NetworkPolicy> _policies = policies.ToList();

    public bool Allows(Peer from, Peer to, int port, string protocol = "TCP") =>
        (!from.IsPod || Egress(from, to, port, protocol)) && (!to.IsPod || Ingress(from, to, port, protocol));

    private bool Egress(Peer from, Peer to, int port, string protocol)
    {
        var selecting = Selecting(from, "Egress").ToList();
        return selecting.Count == 0 || selecting.Any(policy => (policy.Spec.Egress ?? []).Any(rule =>
            Matches(rule.To, policy, to) && Matches(rule.Ports, port, protocol)));
    }

    private bool Ingress(Peer from, Peer to, int port, string protocol)
    {
        var selecting = Selecting(to, "Ingress").ToList();
        return selecting.Count == 0 || selecting.Any(policy => (policy.Spec.Ingress ?? []).Any(rule =>
            Matches(rule.FromProperty, policy, from) && Matches(rule.Ports, port, protocol)));
    }

    private IEnumerable<V1NetworkPolicy> Selecting(Peer pod, string direction) => _policies.Where(policy =>
        policy.Metadata.NamespaceProperty == pod.Namespace
        && Matches(policy.Spec.PodSelector, pod.Labels)
        && Types(policy).Contains(direction));

    /// <summary>policyTypes, or its default: Ingress, plus Egress when the policy has egress rules.</summary>
    private static IEnumerable<string> Types(V1NetworkPolicy policy) =>
        policy.Spec.PolicyTypes ?? (policy.Spec.Egress is { Count: > 0 } ? ["Ingress", "Egress"] : ["Ingress"]);

    private static bool Matches(IList<V1NetworkPolicyPeer>? peers, V1NetworkPolicy policy, Peer other) =>
        peers is null || peers.Count == 0 || peers.Any(peer => Matches(peer, policy, other));

    private static bool Matches(V1NetworkPolicyPeer peer, V1NetworkPolicy policy, Peer other)
    {
        if (peer.IpBlock is { } block)
        {
            return other.Address is { } address && IPNetwork.Parse(block.Cidr).Contains(address)
                && !(block.Except ?? []).Any(except => IPNetwork.Parse(except).Contains(address));
        }
        if (!other.IsPod)
        {
            return false;
        }
        var inNamespace = peer.NamespaceSelector is null
            ? other.Namespace == policy.Metadata.NamespaceProperty
            : Matches(peer.NamespaceSelector, other.NamespaceLabels);
        return inNamespace && (peer.PodSelector is null || Matches(peer.PodSelector, other.Labels));
    }

    private static bool Matches(IList<V1NetworkPolicyPort>? ports, int port, string protocol) =>
        ports is null || ports.Count == 0 || ports.Any(rule =>
        {
            if ((rule.Protocol ?? "TCP") != protocol)
            {
                return false;
            }
            if (rule.Port is null)
            {
                return true;
            }
            if (!int.TryParse(rule.Port.Value, out var first))
            {
                throw new NotSupportedException($"Named port '{rule.Port.Value}': the evaluator only judges numbered ports.");
            }
            return port == first || (rule.EndPort is { } last && port >= first && port <= last);
        });

    private static bool Matches(V1LabelSelector? selector, IReadOnlyDictionary<string, string> labels)
    {
        if (selector is null)
        {
            return true;
        }
        var byLabel = (selector.MatchLabels ?? new Dictionary<string, string>())
            .All(label => labels.TryGetValue(label.Key, out var value) && value == label.Value);
        return byLabel && (selector.MatchExpressions ?? []).All(expression => expression.OperatorProperty switch
        {
            "In" => labels.TryGetValue(expression.Key, out var value) && expression.Values.Contains(value),
            "NotIn" => !labels.TryGetValue(expression.Key, out var value) || !expression.Values.Contains(value),
            "Exists" => labels.ContainsKey(expression.Key),
            "DoesNotExist" => !labels.ContainsKey(expression.Key),
            var other => throw new NotSupportedException($"Label selector operator '{other}'."),
        });
    }
}
