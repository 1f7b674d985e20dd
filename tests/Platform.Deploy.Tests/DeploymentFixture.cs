using System.Diagnostics;
using k8s;
using k8s.Models;
using Platform.Deploy;
using Platform.Testing;

// Publishing the AppHost's manifest and rendering four targets takes a while: once for every test class that reads them.
[assembly: AssemblyFixture(typeof(Platform.Deploy.Tests.DeploymentFixture))]

namespace Platform.Deploy.Tests;

/// <summary>The RabbitMQ Cluster Operator's resource, typed just enough to parse.</summary>
public sealed class RabbitmqCluster : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "";

    public string Kind { get; set; } = "";

    public V1ObjectMeta Metadata { get; set; } = new();

    public Dictionary<string, object>? Spec { get; set; }
}

/// <summary>GKE's Google-managed certificate, typed just enough to parse.</summary>
public sealed class ManagedCertificate : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "";

    public string Kind { get; set; } = "";

    public V1ObjectMeta Metadata { get; set; } = new();

    public ManagedCertificateSpec Spec { get; set; } = new();
}

public sealed class ManagedCertificateSpec
{
    public List<string> Domains { get; set; } = [];
}

/// <summary>
/// Publishes the AppHost's manifest once (as the generator does), and renders the committed base and every overlay with
/// `kubectl kustomize`, parsing every document with KubernetesClient's typed models.
/// </summary>
public sealed class DeploymentFixture : IAsyncLifetime
{
    public static readonly string[] Overlays = ["eks", "gke", "aks"];

    private static readonly Dictionary<string, Type> Types = new()
    {
        ["v1/Namespace"] = typeof(V1Namespace),
        ["v1/ConfigMap"] = typeof(V1ConfigMap),
        ["v1/Secret"] = typeof(V1Secret),
        ["v1/Service"] = typeof(V1Service),
        ["v1/ServiceAccount"] = typeof(V1ServiceAccount),
        ["apps/v1/Deployment"] = typeof(V1Deployment),
        ["policy/v1/PodDisruptionBudget"] = typeof(V1PodDisruptionBudget),
        ["autoscaling/v2/HorizontalPodAutoscaler"] = typeof(V2HorizontalPodAutoscaler),
        ["networking.k8s.io/v1/NetworkPolicy"] = typeof(V1NetworkPolicy),
        ["networking.k8s.io/v1/Ingress"] = typeof(V1Ingress),
        ["rabbitmq.com/v1beta1/RabbitmqCluster"] = typeof(RabbitmqCluster),
        ["networking.gke.io/v1/ManagedCertificate"] = typeof(ManagedCertificate),
    };

    public AspireManifest Manifest { get; private set; } = null!;

    public string KubernetesFolder { get; } = Path.Combine(RepositoryPaths.Root, "deploy", "kubernetes");

    /// <summary>Rendered documents by target ("base", "eks", "gke", "aks").</summary>
    public Dictionary<string, IReadOnlyList<object>> Rendered { get; } = new();

    public async ValueTask InitializeAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), $"platform-manifest-{Guid.NewGuid():n}.json");
        try
        {
            await RunAsync("dotnet", ["run", "--project", Path.Combine(RepositoryPaths.Root, "AppHost"), "--no-launch-profile", "--", "--publisher", "manifest", "--output-path", path]);
            Manifest = AspireManifest.Load(path);
        }
        finally
        {
            File.Delete(path);
        }
        foreach (var target in Overlays.Prepend("base"))
        {
            var folder = target == "base" ? Path.Combine(KubernetesFolder, "base") : Path.Combine(KubernetesFolder, "overlays", target);
            Rendered[target] = await RenderAsync(folder);
        }
    }

    /// <summary>Renders a kustomization folder with `kubectl kustomize` and parses every document.</summary>
    public static async Task<IReadOnlyList<object>> RenderAsync(string folder) =>
        KubernetesYaml.LoadAllFromString(await RunAsync("kubectl", ["kustomize", folder]), Types);

    /// <summary>The platform-settings values a target renders with.</summary>
    public IDictionary<string, string> Settings(string target) =>
        All<V1ConfigMap>(target).Single(map => map.Metadata.Name == BaseManifests.SettingsMap).Data;

    public IEnumerable<T> All<T>(string target) => Rendered[target].OfType<T>();

    private static async Task<string> RunAsync(string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await errors}");
        }
        return await output;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
