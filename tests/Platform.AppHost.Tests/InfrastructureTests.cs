using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Platform.AppHost.Infrastructure;
using Platform.Storage;
using RabbitMQ.Client;

namespace Platform.AppHost.Tests;

[Collection(nameof(AppHostCollection))]
public sealed class InfrastructureTests(AppHostFixture fixture)
{
    private static readonly string[] InfrastructureResources = ["rabbitmq", "aws-storage", "gcp-storage", "azure-storage", "local-storage"];

    private static readonly TimeSpan HealthyTimeout = TimeSpan.FromSeconds(150);

    /// <summary>Resources that run once and exit, such as the step that registers the sample models.</summary>
    private static readonly string[] OneShot = ["seed-models"];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_resource_becomes_healthy()
    {
        var model = fixture.App.Services.GetRequiredService<DistributedApplicationModel>();
        // Parameters have no health, and hidden helpers (such as a project's rebuilder) only run on demand.
        var resources = model.Resources
            .Where(resource => resource is not ParameterResource)
            .Where(resource => !(fixture.App.ResourceNotifications.TryGetCurrentState(resource.Name, out var current) && current.Snapshot.IsHidden))
            .Select(resource => resource.Name)
            .ToList();

        var outcomes = await Task.WhenAll(resources.Select(async name =>
        {
            try
            {
                if (OneShot.Contains(name))
                {
                    // It runs to completion instead of staying up: success is exit code 0.
                    var finished = await fixture.App.ResourceNotifications
                        .WaitForResourceAsync(name, update => update.Snapshot.State?.Text == KnownResourceStates.Finished, Cancellation).WaitAsync(HealthyTimeout, Cancellation);
                    return finished.Snapshot.ExitCode == 0 ? null : $"{name} (exit code {finished.Snapshot.ExitCode})";
                }
                await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync(name, Cancellation).WaitAsync(HealthyTimeout, Cancellation);
                return null;
            }
            catch (TimeoutException)
            {
                fixture.App.ResourceNotifications.TryGetCurrentState(name, out var current);
                return $"{name} ({current?.Snapshot.State?.Text ?? "no state"}, {current?.Snapshot.HealthStatus?.ToString() ?? "no health"})";
            }
        }));

        var unhealthy = outcomes.OfType<string>().ToList();
        Assert.True(unhealthy.Count == 0, $"Not healthy within {HealthyTimeout.TotalSeconds} s: {string.Join(", ", unhealthy)}");
        TestContext.Current.TestOutputHelper?.WriteLine($"{resources.Count} resources healthy {fixture.SinceStart.Elapsed.TotalSeconds:F1} s after start");
        Assert.Superset(InfrastructureResources.ToHashSet(), resources.ToHashSet());
    }

    [Fact]
    public async Task Every_resource_says_how_it_was_provided()
    {
        var model = fixture.App.Services.GetRequiredService<DistributedApplicationModel>();

        foreach (var name in InfrastructureResources)
        {
            var resource = model.Resources.Single(resource => resource.Name == name);
            var snapshot = await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync(name, Cancellation).WaitAsync(AppHostFixture.StartTimeout, Cancellation);
            var shown = snapshot.Snapshot.EnvironmentVariables.Select(variable => (variable.Name, variable.Value))
                .Concat(snapshot.Snapshot.Properties.Select(property => (property.Name, Value: property.Value?.ToString())))
                .FirstOrDefault(entry => entry.Name == Provisioning.ChoiceVariable);
            Assert.False(string.IsNullOrWhiteSpace(shown.Value), $"{name} does not show {Provisioning.ChoiceVariable} in the dashboard.");
            Assert.Contains(resource is ExecutableResource or ProjectResource ? "no container runtime" : "embedded", shown.Value!);
        }
    }

    [Fact]
    public async Task Every_service_runs_with_the_local_runtime_settings()
    {
        var model = fixture.App.Services.GetRequiredService<DistributedApplicationModel>();
        var services = model.Resources.OfType<ProjectResource>().Select(resource => resource.Name).ToList();
        Assert.Contains("registry", services);

        foreach (var name in services)
        {
            var snapshot = await fixture.App.ResourceNotifications
                .WaitForResourceAsync(name, update => update.Snapshot.EnvironmentVariables.Length > 0, Cancellation).WaitAsync(AppHostFixture.StartTimeout, Cancellation);
            var variables = snapshot.Snapshot.EnvironmentVariables.Where(variable => variable.IsFromSpec).ToDictionary(variable => variable.Name, variable => variable.Value);
            Assert.Equal("0", variables.GetValueOrDefault("DOTNET_TieredPGO"));
            Assert.Equal("5000", variables.GetValueOrDefault("OTEL_METRIC_EXPORT_INTERVAL"));
        }
    }

    [Fact]
    public async Task Rabbitmq_accepts_an_amqp_connection_with_its_connection_string()
    {
        await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync("rabbitmq", Cancellation).WaitAsync(AppHostFixture.StartTimeout, Cancellation);
        var connectionString = await fixture.App.GetConnectionStringAsync("rabbitmq", Cancellation);

        var factory = new ConnectionFactory { Uri = new Uri(connectionString!) };
        await using var connection = await factory.CreateConnectionAsync(Cancellation);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: Cancellation);
        var queue = await channel.QueueDeclareAsync(exclusive: true, cancellationToken: Cancellation);

        Assert.True(connection.IsOpen);
        Assert.StartsWith("amq.gen-", queue.QueueName);
    }

    [Theory]
    [InlineData("aws-storage", ObjectStoreProvider.S3)]
    [InlineData("gcp-storage", ObjectStoreProvider.Gcs)]
    [InlineData("azure-storage", ObjectStoreProvider.AzureBlob)]
    [InlineData("local-storage", ObjectStoreProvider.FileSystem)]
    public async Task Each_store_serves_platform_storage_with_the_settings_a_service_would_get(string resourceName, ObjectStoreProvider provider)
    {
        await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync(resourceName, Cancellation).WaitAsync(AppHostFixture.StartTimeout, Cancellation);
        using var platform = new PlatformDriver(fixture.App);

        var objectStore = await platform.OpenStoreAsync(resourceName);
        await objectStore.EnsureCreatedAsync(Cancellation);
        var content = "hello from the apphost test"u8.ToArray();
        var stored = await objectStore.PutAsync($"apphost-test/{Guid.NewGuid():n}.txt", new MemoryStream(content), cancellationToken: Cancellation);
        await using var read = await objectStore.OpenReadAsync(stored.Key, new ReadOptions { VerifySha256 = true }, Cancellation);
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy, Cancellation);

        Assert.Equal(provider, objectStore.Provider);
        Assert.Equal(content, copy.ToArray());
        (objectStore as IDisposable)?.Dispose();
    }
}
