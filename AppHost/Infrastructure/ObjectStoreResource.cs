namespace Platform.AppHost.Infrastructure;

/// <summary>
/// One named object store of the platform, as a service sees it through Platform.Storage: a provider, a bucket or container,
/// and, for local emulators, the resource that serves it. <see cref="ObjectStoreExtensions.WithObjectStore"/> hands it to a service.
/// </summary>
public sealed record ObjectStoreResource
{
    /// <summary>The store's name under Storage:Stores (aws, gcp, azure, local, ...).</summary>
    public required string Name { get; init; }

    /// <summary>The Platform.Storage provider: S3, Gcs, AzureBlob or FileSystem.</summary>
    public required string Provider { get; init; }

    public required string Cloud { get; init; }

    /// <summary>The emulator or container serving the store; null for the embedded file-system store.</summary>
    public IResourceBuilder<IResourceWithEndpoints>? Server { get; init; }

    /// <summary>Storage:Stores:{Name}:* settings, as environment values (strings, parameters or endpoint expressions).</summary>
    public required IReadOnlyDictionary<string, object> Settings { get; init; }
}

/// <summary>Marks the dashboard resource that stands for an object store, so tools and tests can find every store in the model.</summary>
public sealed record ObjectStoreAnnotation(ObjectStoreResource Store) : IResourceAnnotation;

public static class ObjectStoreExtensions
{
    /// <summary>Resolves the store's settings to the values a service would receive (endpoints must be allocated: call after start).</summary>
    public static async Task<Dictionary<string, string?>> ResolveSettingsAsync(this ObjectStoreResource store, CancellationToken cancellationToken)
    {
        var settings = new Dictionary<string, string?> { ["Provider"] = store.Provider, ["Cloud"] = store.Cloud };
        foreach (var (name, value) in store.Settings)
        {
            settings[name] = value is IValueProvider provider ? await provider.GetValueAsync(cancellationToken) : value.ToString();
        }
        return settings;
    }

    /// <summary>
    /// Gives a service the store's Platform.Storage configuration, and unless <paramref name="waitForServer"/> is false, makes
    /// it wait until the store's server is healthy.
    /// </summary>
    public static IResourceBuilder<T> WithObjectStore<T>(this IResourceBuilder<T> service, ObjectStoreResource store, bool waitForServer = true)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport
    {
        var prefix = $"Storage__Stores__{store.Name}__";
        service.WithEnvironment(prefix + "Provider", store.Provider).WithEnvironment(prefix + "Cloud", store.Cloud);
        foreach (var (setting, value) in store.Settings)
        {
            service.WithEnvironment(context => context.EnvironmentVariables[prefix + setting] = value);
        }
        return store.Server is null || !waitForServer ? service : service.WaitFor(store.Server);
    }
}
