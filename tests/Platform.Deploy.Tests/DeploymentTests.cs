using k8s.Models;
using Platform.Deploy;

namespace Platform.Deploy.Tests;

public sealed class DeploymentTests(DeploymentFixture fixture) : IClassFixture<DeploymentFixture>
{
    [Fact]
    public void The_committed_manifests_are_what_the_apphost_generates_now()
    {
        var expected = KubernetesGenerator.Render(fixture.Manifest);
        var committed = new[] { "base", "overlays" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(fixture.KubernetesFolder, folder), "*", SearchOption.AllDirectories))
            .ToDictionary(file => Path.GetRelativePath(fixture.KubernetesFolder, file), File.ReadAllText);

        var stale = expected.Where(file => !committed.TryGetValue(file.Key, out var text) || text != file.Value).Select(file => file.Key)
            .Concat(committed.Keys.Where(file => !expected.ContainsKey(file)))
            .ToList();
        Assert.True(stale.Count == 0,
            $"deploy/kubernetes is out of date with the AppHost ({string.Join(", ", stale.Take(10))}); run: dotnet run --project deploy/Platform.Deploy");
    }

    [Fact]
    public void Every_apphost_service_is_in_the_base_and_in_exactly_one_cloud()
    {
        var services = fixture.Manifest.Services.Select(service => service.Name).Order().ToList();

        Assert.Equal(services, fixture.All<V1Deployment>("base").Select(deployment => deployment.Metadata.Name).Order());
        var placed = DeploymentFixture.Overlays.SelectMany(overlay => fixture.All<V1Deployment>(overlay).Select(deployment => deployment.Metadata.Name)).Order();
        Assert.Equal(services, placed);
        Assert.Contains("registry", services);
        Assert.Contains("sync-gcp", fixture.All<V1Deployment>("gke").Select(deployment => deployment.Metadata.Name));
    }

    [Theory]
    [InlineData("base")]
    [InlineData("eks")]
    [InlineData("gke")]
    [InlineData("aks")]
    public void Every_deployment_has_probes_resources_and_a_locked_down_security_context(string target)
    {
        foreach (var deployment in fixture.All<V1Deployment>(target))
        {
            var pod = deployment.Spec.Template.Spec;
            var container = Assert.Single(pod.Containers);
            Assert.Equal("/alive", container.LivenessProbe.HttpGet.Path);
            Assert.Equal("/health", container.ReadinessProbe.HttpGet.Path);
            Assert.True(container.Resources.Requests.ContainsKey("cpu") && container.Resources.Limits.ContainsKey("memory"), deployment.Metadata.Name);
            Assert.True(pod.SecurityContext.RunAsNonRoot);
            Assert.True(container.SecurityContext.RunAsNonRoot);
            Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
            Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
            Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
            Assert.Equal(deployment.Metadata.Name, pod.ServiceAccountName);
        }
    }

    [Theory]
    [InlineData("base")]
    [InlineData("eks")]
    [InlineData("gke")]
    [InlineData("aks")]
    public void Every_service_has_a_service_account_a_service_a_disruption_budget_and_a_network_policy_behind_a_default_deny(string target)
    {
        var names = fixture.All<V1Deployment>(target).Select(deployment => deployment.Metadata.Name).ToList();

        Assert.NotEmpty(names);
        foreach (var name in names)
        {
            Assert.Contains(fixture.All<V1ServiceAccount>(target), account => account.Metadata.Name == name);
            Assert.Contains(fixture.All<V1Service>(target), service => service.Metadata.Name == name);
            Assert.Contains(fixture.All<V1PodDisruptionBudget>(target), budget => budget.Metadata.Name == name);
            Assert.Contains(fixture.All<V1NetworkPolicy>(target), policy => policy.Metadata.Name == name);
        }
        var deny = Assert.Single(fixture.All<V1NetworkPolicy>(target), policy => policy.Metadata.Name == "default-deny");
        Assert.Empty(deny.Spec.PodSelector.MatchLabels ?? new Dictionary<string, string>());
        Assert.Equal(["Ingress", "Egress"], deny.Spec.PolicyTypes);
        Assert.Equal(3, Convert.ToInt32(Assert.Single(fixture.All<RabbitmqCluster>(target)).Spec!["replicas"]));
    }

    [Fact]
    public void Only_the_flows_the_topology_needs_are_allowed()
    {
        var policies = fixture.All<V1NetworkPolicy>("base").ToDictionary(policy => policy.Metadata.Name);

        // The sync workers call the registry; nothing calls a sync worker.
        var registryCallers = policies["registry"].Spec.Ingress.SelectMany(rule => rule.FromProperty ?? []).ToList();
        Assert.True(registryCallers.Count == 0 || registryCallers.All(peer => peer.PodSelector.MatchLabels["app.kubernetes.io/name"].StartsWith("sync-")));
        Assert.Empty(policies["sync-aws"].Spec.Ingress);
        Assert.Contains(policies["sync-aws"].Spec.Egress, rule => rule.To?.Any(peer => peer.PodSelector?.MatchLabels["app.kubernetes.io/name"] == "registry") == true);
        Assert.Contains(policies["sync-aws"].Spec.Egress, rule => rule.Ports.Any(port => port.Port.Value == "5672"));
        Assert.DoesNotContain(policies["sync-aws"].Spec.Egress, rule => rule.Ports.Any(port => port.Port.Value == "5432"));
        Assert.Contains(policies["registry"].Spec.Egress, rule => rule.Ports.Any(port => port.Port.Value == "5432"));
    }

    [Theory]
    [InlineData("eks", "eks.amazonaws.com/role-arn")]
    [InlineData("gke", "iam.gke.io/gcp-service-account")]
    [InlineData("aks", "azure.workload.identity/client-id")]
    public void Each_cloud_gives_every_service_account_its_workload_identity(string overlay, string annotation)
    {
        var accounts = fixture.All<V1ServiceAccount>(overlay).ToList();

        Assert.NotEmpty(accounts);
        Assert.All(accounts, account => Assert.False(string.IsNullOrEmpty(account.Metadata.Annotations?[annotation]), account.Metadata.Name));
        var others = new[] { "eks.amazonaws.com/role-arn", "iam.gke.io/gcp-service-account", "azure.workload.identity/client-id" }.Where(other => other != annotation);
        Assert.All(accounts, account => Assert.DoesNotContain(account.Metadata.Annotations!.Keys, others.Contains));
        if (overlay == "aks")
        {
            Assert.All(fixture.All<V1Deployment>(overlay), deployment => Assert.Equal("true", deployment.Spec.Template.Metadata.Labels["azure.workload.identity/use"]));
        }
    }

    [Theory]
    [InlineData("base")]
    [InlineData("eks")]
    [InlineData("gke")]
    [InlineData("aks")]
    public void No_secret_is_inlined_every_one_is_referenced(string target)
    {
        Assert.Empty(fixture.All<V1Secret>(target));
        var secretLike = new[] { "Key", "Password", "ConnectionStrings__", "SigningKey", "Secret" };
        foreach (var deployment in fixture.All<V1Deployment>(target))
        {
            var container = deployment.Spec.Template.Spec.Containers[0];
            foreach (var variable in container.Env.Where(variable => secretLike.Any(variable.Name.Contains)))
            {
                Assert.True(variable.ValueFrom?.SecretKeyRef?.Name == BaseManifests.SecretsName, $"{deployment.Metadata.Name}: {variable.Name} is not a secret reference");
            }
        }
        foreach (var map in fixture.All<V1ConfigMap>(target))
        {
            Assert.DoesNotContain(map.Data?.Keys ?? [], key => secretLike.Any(key.Contains) && !key.EndsWith("__Access", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("eks")]
    [InlineData("gke")]
    [InlineData("aks")]
    public void Every_setting_a_service_reads_is_set_in_its_cluster(string overlay)
    {
        var maps = fixture.All<V1ConfigMap>(overlay).ToDictionary(map => map.Metadata.Name);
        var settings = maps[BaseManifests.SettingsMap].Data;
        foreach (var deployment in fixture.All<V1Deployment>(overlay))
        {
            var container = deployment.Spec.Template.Spec.Containers[0];
            Assert.All(container.EnvFrom, source => Assert.True(maps.ContainsKey(source.ConfigMapRef.Name), source.ConfigMapRef.Name));
            foreach (var variable in container.Env.Where(variable => variable.ValueFrom?.ConfigMapKeyRef is not null))
            {
                var key = variable.ValueFrom.ConfigMapKeyRef.Key;
                Assert.True(settings.TryGetValue(key, out var value) && value.Length > 0, $"{deployment.Metadata.Name}: {variable.Name} reads {key}, which {overlay} leaves empty");
            }
        }
    }

    [Theory]
    [InlineData("eks", "alb")]
    [InlineData("gke", "gce")]
    [InlineData("aks", "webapprouting.kubernetes.azure.com")]
    public void External_services_get_the_clouds_ingress(string overlay, string ingressClass)
    {
        var external = fixture.Manifest.Services.Where(service => service.External).Select(service => service.Name)
            .Intersect(fixture.All<V1Deployment>(overlay).Select(deployment => deployment.Metadata.Name)).ToList();

        foreach (var name in external)
        {
            Assert.Equal(ingressClass, Assert.Single(fixture.All<V1Ingress>(overlay), ingress => ingress.Metadata.Name == name).Spec.IngressClassName);
        }
        Assert.Equal(external.Count, fixture.All<V1Ingress>(overlay).Count());
    }
}
