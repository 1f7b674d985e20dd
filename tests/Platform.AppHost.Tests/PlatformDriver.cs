using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.AppHost.Infrastructure;
using Platform.Storage;
using Platform.Storage.Configuration;

namespace Platform.AppHost.Tests;

/// <summary>
/// Drives the running platform the way its users do: an operator registering and promoting models through the registry API
/// with the admin key, loading them through each cloud's repository API, and stopping and starting services from the dashboard.
/// </summary>
public sealed class PlatformDriver(DistributedApplication app) : IDisposable
{
    public static readonly string[] Clouds = ["aws", "azure", "gcp"];

    /// <summary>How long anything that should happen "within seconds" may take before the test fails.</summary>
    public static readonly TimeSpan WithinSeconds = TimeSpan.FromSeconds(30);

    /// <summary>How long a service may take to (re)start on a busy two-core machine.</summary>
    public static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(150);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private HttpClient? _registry;

    public async Task WaitUntilHealthyAsync(params string[] resources)
    {
        foreach (var resource in resources)
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, Cancellation).WaitAsync(StartPatience, Cancellation);
        }
    }

    /// <summary>Creates a model with a fresh name and registers <paramref name="artifact"/> as its first version.</summary>
    public async Task<string> RegisterModelAsync(byte[] artifact)
    {
        var name = "e2e-" + Guid.NewGuid().ToString("n")[..8];
        using var created = await (await RegistryAsync()).PostAsJsonAsync("/api/models", new { name }, Cancellation);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(1, await RegisterVersionAsync(name, artifact));
        return name;
    }

    public async Task<int> RegisterVersionAsync(string model, byte[] artifact)
    {
        using var content = new ByteArrayContent(artifact);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var upload = await (await RegistryAsync()).PostAsync($"/api/models/{model}/versions", content, Cancellation);
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        return (await upload.Content.ReadFromJsonAsync<VersionView>(Cancellation))!.Version;
    }

    public async Task PromoteAsync(string model, int version, string alias = "production")
    {
        using var moved = await (await RegistryAsync()).PutAsJsonAsync($"/api/models/{model}/aliases/{alias}", new { version }, Cancellation);
        moved.EnsureSuccessStatusCode();
    }

    public async Task<VersionView> VersionAsync(string model, int version) =>
        (await (await RegistryAsync()).GetFromJsonAsync<VersionView>($"/api/models/{model}/versions/{version}", Cancellation))!;

    /// <summary>Waits until the registry records a verified replica of the version in every cloud, and returns the version.</summary>
    public Task<VersionView> WaitForReplicasEverywhereAsync(string model, int version, TimeSpan timeout) =>
        EventuallyAsync(() => VersionAsync(model, version), found => found.Clouds.SequenceEqual(Clouds), timeout,
            $"{model}/{version} replicated to {string.Join(", ", Clouds)}");

    /// <summary>Asks every cloud's inference service to serve <paramref name="model"/>, following its production alias.</summary>
    public async Task LoadEverywhereAsync(string model)
    {
        var key = await ParameterAsync("inference-repository-key");
        foreach (var cloud in Clouds)
        {
            using var inference = app.CreateHttpClient($"inference-{cloud}");
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/v2/repository/models/{model}/load")
            {
                Content = JsonContent.Create(new { parameters = new { reference = $"{model}@production" } }),
            };
            request.Headers.Add("X-Api-Key", key);
            using var loaded = await inference.SendAsync(request, Cancellation);
            Assert.True(loaded.IsSuccessStatusCode, $"Loading {model} in {cloud} answered {(int)loaded.StatusCode}: {await loaded.Content.ReadAsStringAsync(Cancellation)}");
        }
    }

    /// <summary>The version a cloud's inference service serves of the model, from its model metadata (null while it serves none).</summary>
    public async Task<string?> ServedVersionAsync(string cloud, string model)
    {
        using var inference = app.CreateHttpClient($"inference-{cloud}");
        using var metadata = await inference.GetAsync($"/v2/models/{model}", Cancellation);
        return metadata.IsSuccessStatusCode ? (await metadata.Content.ReadFromJsonAsync<ModelMetadataView>(Cancellation))!.Versions.SingleOrDefault() : null;
    }

    /// <summary>Stops a resource as the dashboard's stop button does, and waits until it has.</summary>
    public async Task StopAsync(string resource)
    {
        var result = await app.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, Cancellation);
        Assert.True(result.Success, $"Stopping {resource} failed: {result.Message}");
        await app.ResourceNotifications.WaitForResourceAsync(resource, KnownResourceStates.TerminalStates, Cancellation).WaitAsync(WithinSeconds, Cancellation);
    }

    /// <summary>Starts a stopped resource again, and waits until it is healthy; does nothing to one that runs.</summary>
    public async Task StartAsync(string resource)
    {
        if (app.ResourceNotifications.TryGetCurrentState(resource, out var current) && current.Snapshot.State?.Text is { } state
            && KnownResourceStates.TerminalStates.Contains(state))
        {
            var result = await app.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, Cancellation);
            Assert.True(result.Success, $"Starting {resource} failed: {result.Message}");
        }
        await WaitUntilHealthyAsync(resource);
    }

    /// <summary>A cloud's store, reached with the settings the AppHost hands its services (<paramref name="resourceName"/> is the store's resource).</summary>
    public async Task<ObjectStore> OpenStoreAsync(string resourceName)
    {
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        var store = model.Resources.Single(resource => resource.Name == resourceName).Annotations.OfType<ObjectStoreAnnotation>().Single().Store;
        var settings = await store.ResolveSettingsAsync(Cancellation);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(setting => KeyValuePair.Create($"Storage:Stores:{store.Name}:{setting.Key}", setting.Value)))
            .Build();
        return ObjectStoreFactory.Create(store.Name, configuration.GetSection("Storage").Get<StorageOptions>()!.Stores[store.Name]);
    }

    /// <summary>Polls <paramref name="probe"/> until its value satisfies <paramref name="done"/>; fails with the last value after <paramref name="timeout"/>.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Not within {timeout.TotalSeconds} s: {what}; last seen {value}");
            }
            await Task.Delay(250, Cancellation);
        }
    }

    private async Task<HttpClient> RegistryAsync()
    {
        if (_registry is null)
        {
            _registry = app.CreateHttpClient("registry");
            _registry.DefaultRequestHeaders.Add("X-Api-Key", await ParameterAsync("registry-admin-key"));
        }
        return _registry;
    }

    /// <summary>The value of one of the AppHost's parameters (a generated key, say).</summary>
    public async Task<string> ParameterAsync(string name)
    {
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        var parameter = model.Resources.OfType<ParameterResource>().Single(resource => resource.Name == name);
        return (await parameter.GetValueAsync(Cancellation))!;
    }

    public void Dispose() => _registry?.Dispose();

    public sealed record VersionView(int Version, string Status, string Key, IReadOnlyList<ReplicaView> Replicas)
    {
        public IEnumerable<string> Clouds => Replicas.Select(replica => replica.Cloud ?? replica.Store).Order(StringComparer.Ordinal);

        public override string ToString() => $"version {Version} {Status}, replicas in {string.Join(", ", Clouds)}";
    }

    public sealed record ReplicaView(string Store, string? Cloud, string Key);

    private sealed record ModelMetadataView(IReadOnlyList<string> Versions);
}
