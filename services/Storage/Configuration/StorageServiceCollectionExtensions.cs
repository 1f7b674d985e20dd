using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Platform.Storage.Configuration;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers every store under <c>Storage:Stores</c> as a keyed <see cref="IObjectStore"/> (key: its name) and
    /// all of them as <see cref="ObjectStores"/>. Settings are checked now, so a misconfigured store stops the service at start.
    /// Stores marked <c>CreateIfMissing</c> get their bucket, container or folder created when the host starts, once their
    /// server answers.
    /// </summary>
    public static IServiceCollection AddObjectStores(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        var problems = options.Stores.SelectMany(store => store.Value.Problems(store.Key)).ToList();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Invalid storage configuration:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
        }

        foreach (var (name, storeOptions) in options.Stores)
        {
            services.AddKeyedSingleton<IObjectStore>(name, (_, _) => ObjectStoreFactory.Create(name, storeOptions));
        }
        services.AddSingleton(provider => new ObjectStores(options.Stores.Keys.Select(name => provider.GetRequiredKeyedService<IObjectStore>(name))));
        services.AddHostedService(provider => new StoreProvisioner(
            provider.GetRequiredService<ObjectStores>(),
            options.Stores.Where(store => store.Value.CreateIfMissing).Select(store => store.Key).ToList(),
            options.ProvisioningTimeout,
            provider.GetRequiredService<ILogger<StoreProvisioner>>()));
        return services;
    }

    /// <summary>
    /// Creates the stores marked CreateIfMissing before the host starts serving. A store's server that cannot be reached yet
    /// is asked again, 250 ms apart at first and then up to 5 s apart, for up to <c>Storage:ProvisioningTimeout</c>: locally the
    /// services start beside the emulators, and one that asked only once would stop if it came up first. Any other error
    /// (credentials, a bucket name taken by someone else) stops the start at once.
    /// </summary>
    private sealed class StoreProvisioner(ObjectStores stores, IReadOnlyList<string> toCreate, TimeSpan timeout, ILogger<StoreProvisioner> logger)
        : IHostedService
    {
        private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(250);
        private static readonly TimeSpan LongestDelay = TimeSpan.FromSeconds(5);

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            foreach (var store in stores.All.OfType<ObjectStore>().Where(store => toCreate.Contains(store.Name, StringComparer.OrdinalIgnoreCase)))
            {
                await CreateAsync(store, cancellationToken);
                logger.LogInformation("Object store {Store} ({Provider}, cloud {Cloud}) is ready", store.Name, store.Provider, store.Cloud);
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        private async Task CreateAsync(ObjectStore store, CancellationToken cancellationToken)
        {
            var waited = Stopwatch.StartNew();
            var delay = FirstDelay;
            while (true)
            {
                try
                {
                    await store.EnsureCreatedAsync(cancellationToken);
                    return;
                }
                catch (Exception exception) when (IsUnreachable(exception) && !cancellationToken.IsCancellationRequested)
                {
                    if (waited.Elapsed + delay > timeout)
                    {
                        throw new ObjectStoreException(
                            $"Object store '{store.Name}' ({store.Provider}) could not be reached to create it within {timeout.TotalSeconds:0} s " +
                            $"(Storage:ProvisioningTimeout): {exception.Message}", exception);
                    }
                    logger.LogWarning("Object store {Store} ({Provider}) cannot be reached yet ({Reason}); trying again in {DelayMs} ms",
                        store.Name, store.Provider, exception.Message, delay.TotalMilliseconds);
                    await Task.Delay(delay, cancellationToken);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestDelay.Ticks));
                }
            }
        }

        /// <summary>The server did not answer at all (refused, reset, timed out), as opposed to answering with an error.</summary>
        private static bool IsUnreachable(Exception exception)
        {
            for (var inner = exception; inner is not null; inner = inner.InnerException)
            {
                if (inner is HttpRequestException or SocketException or TimeoutException)
                {
                    return true;
                }
            }
            return false;
        }
    }
}
