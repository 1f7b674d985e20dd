using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using Platform.Deploy;
using Platform.Testing;

namespace Platform.Deploy.Tests;

public sealed partial class DeploymentTests(DeploymentFixture fixture)
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
    }

    [Theory]
    [InlineData("base", null)]
    [InlineData("eks", "gp3")]
    [InlineData("gke", null)]
    [InlineData("aks", null)]
    public void The_broker_runs_once_in_the_home_cluster_on_its_clouds_storage_class_with_amqps(string target, string? storageClass)
    {
        var brokers = fixture.All<RabbitmqCluster>(target).ToList();
        if (target != "base" && storageClass is null)
        {
            // The other clouds' services use the home cluster's broker over AMQPS.
            Assert.Empty(brokers);
            Assert.DoesNotContain(fixture.All<V1NetworkPolicy>(target), policy => policy.Metadata.Name == RabbitMq.Name);
            return;
        }
        var broker = Assert.Single(brokers);
        Assert.Equal(3, Convert.ToInt32(broker.Spec!["replicas"]));
        Assert.Contains("default_queue_type = quorum", KubernetesYaml.Serialize(broker));
        Assert.Contains(fixture.All<V1NetworkPolicy>(target), policy => policy.Metadata.Name == RabbitMq.Name);
        if (storageClass is not null)
        {
            Assert.Contains($"storageClassName: {storageClass}", KubernetesYaml.Serialize(broker));
            Assert.Contains($"secretName: {RabbitMq.TlsSecret}", KubernetesYaml.Serialize(broker));
            var amqps = Assert.Single(fixture.All<V1Service>(target), service => service.Spec.Type == "LoadBalancer");
            Assert.Equal([5671], amqps.Spec.Ports.Select(port => port.Port));
            Assert.Equal(RabbitMq.Name, amqps.Spec.Selector["app.kubernetes.io/name"]);
        }
    }

    [Theory]
    [InlineData("base")]
    [InlineData("eks")]
    [InlineData("gke")]
    [InlineData("aks")]
    public void Every_user_of_the_broker_declares_quorum_queues(string target)
    {
        var maps = fixture.All<V1ConfigMap>(target).ToDictionary(map => map.Metadata.Name);
        var users = fixture.All<V1Deployment>(target).Where(deployment => deployment.Spec.Template.Spec.Containers[0].Env
            .Any(variable => variable.ValueFrom?.SecretKeyRef?.Key == "rabbitmq")).ToList();

        Assert.NotEmpty(users);
        foreach (var deployment in users)
        {
            var own = maps[deployment.Spec.Template.Spec.Containers[0].EnvFrom.Single().ConfigMapRef.Name];
            Assert.Equal("true", own.Data["Messaging__QuorumQueues"]);
        }
    }

    [Theory]
    [InlineData("eks", "aws", "eks.amazonaws.com/role-arn", "registry inference-aws sync-aws")]
    [InlineData("gke", "gcp", "iam.gke.io/gcp-service-account", "inference-gcp sync-gcp")]
    [InlineData("aks", "azure", "azure.workload.identity/client-id", "inference-azure sync-azure")]
    public void Each_cloud_gives_the_services_that_read_its_store_its_workload_identity_and_only_them(string overlay, string cloud, string annotation,
        string storeReaders)
    {
        var annotations = new[] { "eks.amazonaws.com/role-arn", "iam.gke.io/gcp-service-account", "azure.workload.identity/client-id" };
        var identified = new List<string>();
        foreach (var account in fixture.All<V1ServiceAccount>(overlay))
        {
            var readsStore = storeReaders.Split(' ').Contains(account.Metadata.Name);
            var keys = account.Metadata.Annotations?.Keys ?? [];
            Assert.Equal(readsStore ? [annotation] : [], keys.Where(annotations.Contains));
            if (readsStore)
            {
                Assert.False(string.IsNullOrEmpty(account.Metadata.Annotations![annotation]), account.Metadata.Name);
                identified.Add(account.Metadata.Name);
            }
        }
        Assert.NotEmpty(identified);
        if (overlay == "aks")
        {
            Assert.All(fixture.All<V1Deployment>(overlay), deployment => Assert.Equal(identified.Contains(deployment.Metadata.Name),
                deployment.Spec.Template.Metadata.Labels.TryGetValue("azure.workload.identity/use", out var use) && use == "true"));
        }

        // Terraform creates an identity for each of these by default (and the registry's, in case the home cloud moves).
        var defaults = TerraformDefaults(cloud, "service_accounts");
        Assert.Subset(defaults.ToHashSet(), identified.ToHashSet());
        Assert.Empty(defaults.Except(identified).Except(["registry"]));
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
    [InlineData("base")]
    [InlineData("eks")]
    [InlineData("gke")]
    [InlineData("aks")]
    public void Inference_and_the_gateway_scale_with_an_autoscaler_and_the_rest_keep_their_replicas(string target)
    {
        var autoscalers = fixture.All<V2HorizontalPodAutoscaler>(target).ToList();
        foreach (var deployment in fixture.All<V1Deployment>(target))
        {
            var name = deployment.Metadata.Name;
            var scaled = name == "gateway" || name.StartsWith("inference-", StringComparison.Ordinal);
            var autoscaler = autoscalers.SingleOrDefault(autoscaler => autoscaler.Spec.ScaleTargetRef.Name == name);
            Assert.Equal(scaled, autoscaler is not null);
            if (autoscaler is not null)
            {
                Assert.Equal("Deployment", autoscaler.Spec.ScaleTargetRef.Kind);
                Assert.True(autoscaler.Spec.MinReplicas >= 2 && autoscaler.Spec.MaxReplicas > autoscaler.Spec.MinReplicas, name);
                Assert.Equal("cpu", Assert.Single(autoscaler.Spec.Metrics).Resource.Name);
                Assert.Null(deployment.Spec.Replicas);
            }
            else
            {
                Assert.True(deployment.Spec.Replicas >= 2, name);
            }
        }
    }

    [Theory]
    [InlineData("eks")]
    [InlineData("gke")]
    [InlineData("aks")]
    public void Inference_runs_on_the_inference_or_gpu_pool_and_nothing_else_does(string overlay)
    {
        foreach (var deployment in fixture.All<V1Deployment>(overlay))
        {
            var pod = deployment.Spec.Template.Spec;
            if (!deployment.Metadata.Name.StartsWith("inference-", StringComparison.Ordinal))
            {
                Assert.Null(pod.Affinity);
                Assert.Null(pod.Tolerations);
                continue;
            }
            var requirement = Assert.Single(Assert.Single(pod.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms).MatchExpressions);
            Assert.Equal(("platform/pool", "In"), (requirement.Key, requirement.OperatorProperty));
            Assert.Equal(["inference", "gpu"], requirement.Values);
            var toleration = Assert.Single(pod.Tolerations);
            Assert.Equal(("nvidia.com/gpu", "Exists", "NoSchedule"), (toleration.Key, toleration.OperatorProperty, toleration.Effect));
        }
        Assert.Contains(fixture.All<V1Deployment>(overlay), deployment => deployment.Metadata.Name.StartsWith("inference-", StringComparison.Ordinal));
    }

    [Fact]
    public void The_keys_of_platform_secrets_are_documented_and_are_exactly_the_ones_the_deployments_reference()
    {
        var referenced = new[] { "base" }.Concat(DeploymentFixture.Overlays)
            .SelectMany(target => fixture.All<V1Deployment>(target))
            .SelectMany(deployment => deployment.Spec.Template.Spec.Containers.SelectMany(container => container.Env ?? []))
            .Select(variable => variable.ValueFrom?.SecretKeyRef)
            .OfType<V1SecretKeySelector>()
            .ToList();
        var runbook = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "deploy.md"));
        var command = runbook[runbook.IndexOf($"create secret generic {BaseManifests.SecretsName}", StringComparison.Ordinal)..];
        command = command[..command.IndexOf("```", StringComparison.Ordinal)];
        var documented = SecretLiteral().Matches(command).Select(match => match.Groups["key"].Value).ToHashSet();

        Assert.NotEmpty(referenced);
        Assert.All(referenced, reference => Assert.Equal(BaseManifests.SecretsName, reference.Name));
        Assert.Equal(referenced.Select(reference => reference.Key).Distinct().Order(), documented.Order());
    }

    [Fact]
    public void Every_image_is_the_one_its_project_publishes()
    {
        foreach (var deployment in fixture.All<V1Deployment>("base"))
        {
            var service = fixture.Manifest.Services.Single(service => service.Name == deployment.Metadata.Name);
            var project = Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "services"), $"{service.Project}.csproj", SearchOption.AllDirectories).Single();
            var properties = System.Xml.Linq.XDocument.Load(project).Descendants();
            var repository = properties.Single(element => element.Name.LocalName == "ContainerRepository").Value;
            var tags = properties.Single(element => element.Name.LocalName == "ContainerImageTags").Value.Split(';');
            var image = Assert.Single(deployment.Spec.Template.Spec.Containers).Image.Split(':');

            Assert.Equal(repository, image[0]);
            Assert.Contains(image[1], tags);
        }
    }

    /// <summary>The default of a list variable in a Terraform module's variables.tf.</summary>
    private static IReadOnlyList<string> TerraformDefaults(string module, string variable)
    {
        var code = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "deploy", "terraform", module, "variables.tf"));
        var block = code[code.IndexOf($"variable \"{variable}\"", StringComparison.Ordinal)..];
        var list = ListDefault().Match(block);
        Assert.True(list.Success, $"{module}: {variable} has no list default");
        return Quoted().Matches(list.Groups["items"].Value).Select(match => match.Groups[1].Value).ToList();
    }

    [GeneratedRegex(@"--from-literal=(?<key>[a-z0-9-]+)=")]
    private static partial Regex SecretLiteral();

    [GeneratedRegex(@"default\s*=\s*\[(?<items>[^\]]*)\]")]
    private static partial Regex ListDefault();

    [GeneratedRegex("\"([^\"]+)\"")]
    private static partial Regex Quoted();
}
