namespace Platform.Deploy;

/// <summary>How a cloud's ingress controller is told which Ingresses are its own and where their certificates come from.</summary>
public enum IngressKind
{
    /// <summary>AWS Load Balancer Controller: <c>ingressClassName: alb</c>, an ACM certificate by ARN.</summary>
    Alb,

    /// <summary>GKE Ingress: the <c>kubernetes.io/ingress.class: gce</c> annotation (GKE ignores ingressClassName), a ManagedCertificate per host.</summary>
    Gce,

    /// <summary>AKS application routing: <c>ingressClassName: webapprouting.kubernetes.azure.com</c>, a Key Vault certificate by URI.</summary>
    AppRouting,
}

/// <summary>One cloud's cluster: which services it runs and how that cloud names identities, ingress, disks and load balancers.</summary>
public sealed record CloudOverlay(
    string Folder,
    string Cloud,
    string IdentityAnnotation,
    Func<string, string> IdentityValue,
    IngressKind Ingress,
    string StorageClass,
    bool WorkloadIdentityPodLabel,
    IReadOnlyDictionary<string, string> LoadBalancerAnnotations)
{
    public static readonly IReadOnlyList<CloudOverlay> All =
    [
        new("eks", "aws", "eks.amazonaws.com/role-arn", account => $"arn:aws:iam::111122223333:role/platform-{account}", IngressKind.Alb, "gp3",
            WorkloadIdentityPodLabel: false,
            // The AWS Load Balancer Controller's NLB (the in-tree controller's classic ELB is deprecated).
            new Dictionary<string, string>
            {
                ["service.beta.kubernetes.io/aws-load-balancer-type"] = "external",
                ["service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"] = "ip",
                ["service.beta.kubernetes.io/aws-load-balancer-scheme"] = "internet-facing",
            }),
        new("gke", "gcp", "iam.gke.io/gcp-service-account", account => $"platform-{account}@my-project.iam.gserviceaccount.com", IngressKind.Gce, "premium-rwo",
            WorkloadIdentityPodLabel: false, new Dictionary<string, string>()),
        new("aks", "azure", "azure.workload.identity/client-id", _ => "00000000-0000-0000-0000-000000000000", IngressKind.AppRouting, "managed-csi-premium",
            WorkloadIdentityPodLabel: true, new Dictionary<string, string>()),
    ];
}
