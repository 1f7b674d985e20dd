using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.AppHost.Tests;

/// <summary>The registry and the sync workers as the AppHost wires them: secrets, stores, bus and all.</summary>
[Collection(nameof(AppHostCollection))]
public sealed class RegistryTests(AppHostFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_model_registered_with_the_generated_admin_key_is_replicated_to_all_three_clouds()
    {
        foreach (var resource in new[] { "registry", "sync-aws", "sync-gcp", "sync-azure" })
        {
            await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync(resource, Cancellation).WaitAsync(Patience, Cancellation);
        }
        using var registry = fixture.App.CreateHttpClient("registry");
        var name = "apphost-" + Guid.NewGuid().ToString("n")[..8];
        Assert.Equal(HttpStatusCode.Unauthorized, (await registry.PostAsJsonAsync("/api/models", new { name }, Cancellation)).StatusCode);
        registry.DefaultRequestHeaders.Add("X-Api-Key", await ParameterAsync("registry-admin-key"));

        (await registry.PostAsJsonAsync("/api/models", new { name }, Cancellation)).EnsureSuccessStatusCode();
        using var artifact = new ByteArrayContent(SampleModels.SampleModels.Mlp(4, [8], 2));
        artifact.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var upload = await registry.PostAsync($"/api/models/{name}/versions", artifact, Cancellation);
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);

        using var deadline = new CancellationTokenSource(Patience);
        string[] stores;
        do
        {
            await Task.Delay(250, deadline.Token);
            var version = await registry.GetFromJsonAsync<VersionView>($"/api/models/{name}/versions/1", Cancellation);
            Assert.Equal("aws", version!.Store);
            stores = version.Replicas.Select(replica => replica.Store).ToArray();
        }
        while (stores.Length < 3);
        Assert.Equal(["aws", "azure", "gcp"], stores);
    }

    [Fact]
    public async Task The_sample_models_are_registered_at_first_start_with_a_production_alias()
    {
        await fixture.App.ResourceNotifications.WaitForResourceAsync("seed-models", KnownResourceStates.Finished, Cancellation).WaitAsync(Patience, Cancellation);
        using var registry = fixture.App.CreateHttpClient("registry");

        foreach (var model in new[] { "iris", "house-price", "mlp" })
        {
            var version = await registry.GetFromJsonAsync<ResolvedView>($"/api/resolve/{model}@production", Cancellation);
            Assert.Equal("READY", version!.Status);
        }
    }

    private sealed record ResolvedView(string Status);

    private async Task<string> ParameterAsync(string name)
    {
        var model = fixture.App.Services.GetRequiredService<DistributedApplicationModel>();
        var parameter = model.Resources.OfType<ParameterResource>().Single(resource => resource.Name == name);
        return (await parameter.GetValueAsync(Cancellation))!;
    }

    private sealed record VersionView(string Store, IReadOnlyList<ReplicaView> Replicas);

    private sealed record ReplicaView(string Store);
}
