using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Storage.Configuration;
using Platform.Testing;

namespace Platform.Storage.Tests;

public sealed class StorageConfigurationTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("platform-config-").FullName;

    [Fact]
    public async Task Named_stores_are_registered_by_name_and_created_at_start()
    {
        var host = BuildHost(new()
        {
            ["Storage:Stores:local:Provider"] = "FileSystem",
            ["Storage:Stores:local:Path"] = Path.Combine(_root, "local"),
            ["Storage:Stores:local:CreateIfMissing"] = "true",
            ["Storage:Stores:aws:Provider"] = "S3",
            ["Storage:Stores:aws:Bucket"] = "models",
            ["Storage:Stores:aws:Endpoint"] = "http://127.0.0.1:1",
        });

        await host.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            var local = host.Services.GetRequiredKeyedService<IObjectStore>("local");
            var stores = host.Services.GetRequiredService<ObjectStores>();

            Assert.Equal(ObjectStoreProvider.FileSystem, local.Provider);
            Assert.Equal("local", local.Cloud);
            Assert.Same(local, stores.Get("LOCAL"));
            Assert.Equal("aws", stores.Get("aws").Cloud);
            Assert.Equal(["aws", "local"], stores.All.Select(store => store.Name).Order());
            Assert.True(Directory.Exists(Path.Combine(_root, "local")));
            await local.PutAsync("hello.txt", new MemoryStream("hi"u8.ToArray()), cancellationToken: TestContext.Current.CancellationToken);
        }
        finally
        {
            await host.StopAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task A_store_whose_server_comes_up_after_the_service_is_created_once_it_answers()
    {
        var port = FreePort.Next();
        var host = BuildHost(S3Store($"http://127.0.0.1:{port}", provisioningTimeout: TimeSpan.FromSeconds(90)));

        var starting = host.StartAsync(TestContext.Current.CancellationToken);
        // The SDK's own retries of a refused connection are over within about three seconds: a start that asked once would
        // have failed by now.
        await Task.WhenAny(starting, Task.Delay(TimeSpan.FromSeconds(4), TestContext.Current.CancellationToken));
        Assert.False(starting.IsCompleted, $"The start ended before the store's server was up: {starting.Exception?.InnerException?.Message}");

        await using var moto = await LocalEmulators.StartS3Async(port);
        await starting.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        try
        {
            var store = host.Services.GetRequiredKeyedService<IObjectStore>("aws");
            var written = await store.PutAsync("late/hello.txt", new MemoryStream("hi"u8.ToArray()), cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(2, written.Size);
        }
        finally
        {
            await host.StopAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task A_store_whose_server_never_answers_stops_the_start_with_the_reason()
    {
        // Nothing listens on port 1.
        var host = BuildHost(S3Store("http://127.0.0.1:1", provisioningTimeout: TimeSpan.FromSeconds(1)));

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Object store 'aws' (S3) could not be reached", error.Message);
        Assert.Contains("Storage:ProvisioningTimeout", error.Message);
        Assert.Contains("refused", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Asking_for_an_unknown_store_names_the_ones_there_are()
    {
        var host = BuildHost(new()
        {
            ["Storage:Stores:local:Provider"] = "FileSystem",
            ["Storage:Stores:local:Path"] = _root,
        });

        var error = Assert.Throws<KeyNotFoundException>(() => host.Services.GetRequiredService<ObjectStores>().Get("gcp"));

        Assert.Contains("'gcp'", error.Message);
        Assert.Contains("local", error.Message);
    }

    [Fact]
    public void Every_problem_in_the_configuration_is_reported_at_once()
    {
        var error = Assert.Throws<InvalidOperationException>(() => BuildHost(new()
        {
            ["Storage:Stores:nothing:Bucket"] = "b",
            ["Storage:Stores:bucketless:Provider"] = "S3",
            ["Storage:Stores:blob:Provider"] = "AzureBlob",
            ["Storage:Stores:blob:Container"] = "c",
            ["Storage:Stores:half:Provider"] = "S3",
            ["Storage:Stores:half:Bucket"] = "b",
            ["Storage:Stores:half:AccessKey"] = "only-the-key",
            ["Storage:Stores:relative:Provider"] = "Gcs",
            ["Storage:Stores:relative:Bucket"] = "b",
            ["Storage:Stores:relative:Endpoint"] = "not a url",
        }));

        Assert.Contains("Storage:Stores:nothing:Provider is required", error.Message);
        Assert.Contains("Storage:Stores:bucketless:Bucket is required", error.Message);
        Assert.Contains("Storage:Stores:blob: an AzureBlob store needs ConnectionString or Endpoint", error.Message);
        Assert.Contains("Storage:Stores:half: AccessKey and SecretKey go together", error.Message);
        Assert.Contains("Storage:Stores:relative:Endpoint 'not a url' is not an absolute URL", error.Message);
        Assert.DoesNotContain("only-the-key", error.Message);
    }

    private static Dictionary<string, string?> S3Store(string endpoint, TimeSpan provisioningTimeout) => new()
    {
        ["Storage:ProvisioningTimeout"] = provisioningTimeout.ToString(),
        ["Storage:Stores:aws:Provider"] = "S3",
        ["Storage:Stores:aws:Bucket"] = "created-late",
        ["Storage:Stores:aws:Endpoint"] = endpoint,
        ["Storage:Stores:aws:AccessKey"] = "test",
        ["Storage:Stores:aws:SecretKey"] = "test",
        ["Storage:Stores:aws:CreateIfMissing"] = "true",
    };

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddObjectStores(builder.Configuration);
        return builder.Build();
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
