using System.Net;
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
    public async Task Writes_without_the_generated_admin_key_are_refused()
    {
        await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync("registry", Cancellation).WaitAsync(Patience, Cancellation);
        using var registry = fixture.App.CreateHttpClient("registry");

        using var refused = await registry.PostAsJsonAsync("/api/models", new { name = "apphost-" + Guid.NewGuid().ToString("n")[..8] }, Cancellation);

        // Registering with the key, and replication to every cloud, is ModelLifecycleTests' first test.
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
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

    [Fact]
    public async Task A_sync_worker_reconciles_on_demand_with_the_generated_key_and_only_with_it()
    {
        await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync("sync-gcp", Cancellation).WaitAsync(Patience, Cancellation);
        using var worker = fixture.App.CreateHttpClient("sync-gcp");
        using var platform = new PlatformDriver(fixture.App);
        var key = await platform.ParameterAsync("sync-api-key");

        using var refused = await worker.PostAsync("/api/reconcile", null, Cancellation);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reconcile");
        request.Headers.Add("X-Api-Key", key);
        using var reconciled = await worker.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, reconciled.StatusCode);
    }

    private sealed record ResolvedView(string Status);
}
