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
    /// Stores marked <c>CreateIfMissing</c> get their bucket, container or folder created when the host starts.
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
            provider.GetRequiredService<ILogger<StoreProvisioner>>()));
        return services;
    }

    private sealed class StoreProvisioner(ObjectStores stores, IReadOnlyList<string> toCreate, ILogger<StoreProvisioner> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            foreach (var store in stores.All)
            {
                if (toCreate.Contains(store.Name, StringComparer.OrdinalIgnoreCase) && store is ObjectStore provisionable)
                {
                    await provisionable.EnsureCreatedAsync(cancellationToken);
                    logger.LogInformation("Object store {Store} ({Provider}, cloud {Cloud}) is ready", store.Name, store.Provider, store.Cloud);
                }
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
