using k8s.Models;
using Platform.Deploy;

namespace Platform.Deploy.Tests;

/// <summary>The external services' Ingresses in each cloud: the controller that takes them, their hosts and TLS, and that an overlay of your own sets them.</summary>
public sealed class PublicEndpointTests(DeploymentFixture fixture)
{
    private const string ClassAnnotation = "kubernetes.io/ingress.class";

    [Theory]
    [InlineData("eks", "alb", null)]
    [InlineData("gke", null, "gce")]
    [InlineData("aks", "webapprouting.kubernetes.azure.com", null)]
    public void Each_cloud_marks_its_ingresses_for_its_own_controller(string overlay, string? ingressClassName, string? classAnnotation)
    {
        var ingresses = fixture.All<V1Ingress>(overlay).ToList();

        Assert.Equal(External(overlay).Order(), ingresses.Select(ingress => ingress.Metadata.Name).Order());
        foreach (var ingress in ingresses)
        {
            // GKE ignores spec.ingressClassName (with only that field set, its controller leaves the Ingress alone).
            Assert.Equal(ingressClassName, ingress.Spec.IngressClassName);
            Assert.Equal(classAnnotation, ingress.Metadata.Annotations is { } annotations && annotations.TryGetValue(ClassAnnotation, out var value) ? value : null);
        }
    }

    [Theory]
    [InlineData("eks")]
    [InlineData("gke")]
    [InlineData("aks")]
    public void Every_external_service_is_served_on_its_public_host_over_tls(string overlay)
    {
        var settings = fixture.Settings(overlay);
        foreach (var name in External(overlay))
        {
            var ingress = Assert.Single(fixture.All<V1Ingress>(overlay), ingress => ingress.Metadata.Name == name);
            var host = settings[PublicEndpoints.HostSetting(name)];
            var annotations = ingress.Metadata.Annotations;

            Assert.Equal($"{name}.platform.example.com", host);
            Assert.Equal(host, Assert.Single(ingress.Spec.Rules).Host);
            switch (overlay)
            {
                case "eks":
                    Assert.Equal([host], Assert.Single(ingress.Spec.Tls).Hosts);
                    Assert.Equal(settings["tls-certificate-arn"], annotations["alb.ingress.kubernetes.io/certificate-arn"]);
                    Assert.StartsWith("arn:aws:acm:", annotations["alb.ingress.kubernetes.io/certificate-arn"]);
                    Assert.Equal("""[{"HTTPS":443}]""", annotations["alb.ingress.kubernetes.io/listen-ports"]);
                    Assert.Equal("/alive", annotations["alb.ingress.kubernetes.io/healthcheck-path"]);
                    break;
                case "gke":
                    var certificate = Assert.Single(fixture.All<ManagedCertificate>(overlay), certificate => certificate.Metadata.Name == annotations["networking.gke.io/managed-certificates"]);
                    Assert.Equal([host], certificate.Spec.Domains);
                    break;
                case "aks":
                    var tls = Assert.Single(ingress.Spec.Tls);
                    Assert.Equal([host], tls.Hosts);
                    Assert.Equal($"keyvault-{name}", tls.SecretName);
                    Assert.Equal(settings["tls-keyvault-certificate-uri"], annotations["kubernetes.azure.com/tls-cert-keyvault-uri"]);
                    Assert.StartsWith("https://", annotations["kubernetes.azure.com/tls-cert-keyvault-uri"]);
                    break;
            }
        }
    }

    [Fact]
    public void The_other_clusters_call_each_service_at_the_host_its_own_cluster_serves()
    {
        var checkedUrls = 0;
        foreach (var home in DeploymentFixture.Overlays)
        {
            foreach (var name in External(home))
            {
                var host = fixture.Settings(home)[PublicEndpoints.HostSetting(name)];
                foreach (var other in DeploymentFixture.Overlays.Where(other => other != home))
                {
                    if (fixture.Settings(other).TryGetValue(EnvironmentTranslator.UrlSetting(name), out var url))
                    {
                        Assert.Equal($"https://{host}", url);
                        checkedUrls++;
                    }
                }
            }
        }
        Assert.True(checkedUrls >= 4, $"only {checkedUrls} cross-cluster URLs checked");
    }

    [Theory]
    [InlineData("eks", "tls-certificate-arn", "alb.ingress.kubernetes.io/certificate-arn", "arn:aws:acm:eu-west-1:444455556666:certificate/real")]
    [InlineData("gke", null, null, null)]
    [InlineData("aks", "tls-keyvault-certificate-uri", "kubernetes.azure.com/tls-cert-keyvault-uri", "https://acme-kv.vault.azure.net/certificates/models")]
    public async Task An_overlay_of_your_own_puts_its_hosts_and_certificates_into_the_ingresses(string overlay, string? certificateKey, string? annotation, string? certificate)
    {
        var generated = Path.Combine(fixture.KubernetesFolder, "overlays", overlay);
        var folder = Directory.CreateTempSubdirectory("platform-own-overlay-").FullName;
        try
        {
            // The layout docs/deploy.md describes: the generated overlay, your settings as a component, then the endpoints component again.
            Directory.CreateDirectory(Path.Combine(folder, "settings"));
            var hosts = External(overlay).ToDictionary(name => name, name => $"{name}.models.acme.io");
            var settings = hosts.Select(host => $"{PublicEndpoints.HostSetting(host.Key)}={host.Value}").Append("gcp-bucket=acme-models");
            if (certificateKey is not null)
            {
                settings = settings.Append($"{certificateKey}={certificate}");
            }
            await File.WriteAllLinesAsync(Path.Combine(folder, "settings", "settings.env"), settings, TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(Path.Combine(folder, "settings", "kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1alpha1
                kind: Component
                configMapGenerator:
                  - name: platform-settings
                    behavior: merge
                    envs: [settings.env]
                generatorOptions:
                  disableNameSuffixHash: true
                """, TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(Path.Combine(folder, "kustomization.yaml"), $"""
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources: [{Path.GetRelativePath(folder, generated)}]
                components: [settings, {Path.GetRelativePath(folder, Path.Combine(generated, PublicEndpoints.ComponentFolder))}]
                """, TestContext.Current.CancellationToken);

            var rendered = await DeploymentFixture.RenderAsync(folder);

            Assert.Equal("acme-models", rendered.OfType<V1ConfigMap>().Single(map => map.Metadata.Name == BaseManifests.SettingsMap).Data["gcp-bucket"]);
            foreach (var (name, host) in hosts)
            {
                var ingress = rendered.OfType<V1Ingress>().Single(ingress => ingress.Metadata.Name == name);
                Assert.Equal(host, Assert.Single(ingress.Spec.Rules).Host);
                if (annotation is not null)
                {
                    Assert.Equal([host], Assert.Single(ingress.Spec.Tls).Hosts);
                    Assert.Equal(certificate, ingress.Metadata.Annotations[annotation]);
                }
                else
                {
                    Assert.Equal([host], rendered.OfType<ManagedCertificate>().Single(managed => managed.Metadata.Name == name).Spec.Domains);
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The external services that run in an overlay's cluster.</summary>
    private IEnumerable<string> External(string overlay) =>
        fixture.Manifest.Services.Where(service => service.External).Select(service => service.Name)
            .Intersect(fixture.All<V1Deployment>(overlay).Select(deployment => deployment.Metadata.Name));
}
