using Microsoft.Extensions.Configuration;

namespace Platform.AppHost.Infrastructure;

/// <summary>The registry's keys, so that services given <see cref="RegistryResources.WithRegistry{T}"/> can read from it.</summary>
public sealed record RegistryKeysAnnotation(ParameterResource ReaderKey, ParameterResource AdminKey) : IResourceAnnotation;

public static class RegistryResources
{
    /// <summary>The holder names the registry records as createdBy and in the alias audit.</summary>
    private const string AdminHolder = "platform-admin";
    private const string ServicesHolder = "platform-services";

    /// <summary>
    /// The model registry, the control plane: artifacts go to <paramref name="home"/>; every store in <paramref name="stores"/>
    /// is one it records replicas in and can serve from. Its database is PostgreSQL when ConnectionStrings:registrydb is
    /// configured (and always in a published deployment), else the embedded SQLite file in the data folder. An admin key (read-write), a key for the platform's own
    /// services (read-only) and a JWT signing key are generated secret parameters.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddRegistry(this Provisioning provisioning, string name, ObjectStoreResource home,
        params ObjectStoreResource[] stores)
    {
        var builder = provisioning.Builder;
        var adminKey = builder.AddParameter($"{name}-admin-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
        var readerKey = builder.AddParameter($"{name}-reader-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
        var signingKey = builder.AddParameter($"{name}-jwt-signing-key", new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true, persist: true);

        var registry = provisioning.AddService<Projects.Platform_Registry>(name)
            .WithEnvironment("Registry__HomeStore", home.Name)
            .WithEnvironment($"Registry__Auth__ApiKeys__{AdminHolder}__Key", adminKey)
            .WithEnvironment($"Registry__Auth__ApiKeys__{ServicesHolder}__Key", readerKey)
            .WithEnvironment($"Registry__Auth__ApiKeys__{ServicesHolder}__Access", "Read")
            .WithEnvironment("Registry__Auth__Jwt__SigningKey", signingKey)
            .WithPromptHttpHealthCheck("/health")
            // Clients outside the cluster (CI pipelines registering models, the other clouds' workers) call it.
            .WithExternalHttpEndpoints()
            .WithAnnotation(new RegistryKeysAnnotation(readerKey.Resource, adminKey.Resource));
        // Not waiting for the stores' servers: the registry needs a store only when an artifact comes or goes, and on two
        // cores a start is a chain of waits (the stores, then the registry, then every cloud's services, which wait for
        // both), so the registry starts beside the stores and the clouds' services start as soon as both are up.
        foreach (var store in stores.Append(home).Distinct())
        {
            registry.WithObjectStore(store, waitForServer: false);
        }

        if (!provisioning.Publishing)
        {
            // Uploads are spooled beside the other local data, not in the system temp folder.
            registry.WithEnvironment("Registry__ScratchPath", provisioning.DataFolder($"{name}-scratch"));
        }
        if (provisioning.Publishing || !string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("registrydb")))
        {
            registry.WithReference(builder.AddConnectionString("registrydb"))
                .WithEnvironment("Registry__Database__Provider", "PostgreSQL")
                .WithEnvironment(Provisioning.ChoiceVariable, provisioning.Report($"{name} database", "PostgreSQL (ConnectionStrings:registrydb)"));
        }
        else
        {
            var file = Path.Combine(provisioning.DataFolder(name), "registry.db");
            registry.WithEnvironment("ConnectionStrings__registrydb", $"Data Source={file}")
                .WithEnvironment("Registry__Database__Provider", "Sqlite")
                .WithEnvironment(Provisioning.ChoiceVariable, provisioning.Report($"{name} database", $"embedded SQLite in {file}"));
        }
        return registry;
    }

    /// <summary>
    /// Points a service at the registry (Registry__Url, and the read-only key in Registry__ApiKey), and starts it once the
    /// registry is healthy: not that it could not start before (it retries what needs the registry), but on two cores the
    /// registry, first alone, is up in seconds, where starting every service at once makes them all wait for each other.
    /// </summary>
    public static IResourceBuilder<T> WithRegistry<T>(this IResourceBuilder<T> service, IResourceBuilder<ProjectResource> registry)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport =>
        service.WithRegistryKey(registry, registry.Resource.Annotations.OfType<RegistryKeysAnnotation>().Single().ReaderKey)
            .WaitFor(registry);

    /// <summary>
    /// The sample models, registered by a one-shot project (samples/Platform.Seed) once the registry is up: the dashboard
    /// shows it run and finish. The inference services load the samples as they are registered. It waits for the registry
    /// and for the server of the registry's home store, where the uploads go.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddModelSeeding(this Provisioning provisioning, string name, IResourceBuilder<ProjectResource> registry,
        ObjectStoreResource home)
    {
        var seeding = provisioning.AddService<Projects.Platform_Seed>(name)
            .WithRegistryKey(registry, registry.Resource.Annotations.OfType<RegistryKeysAnnotation>().Single().AdminKey)
            .WaitFor(registry);
        return home.Server is null ? seeding : seeding.WaitFor(home.Server);
    }

    private static IResourceBuilder<T> WithRegistryKey<T>(this IResourceBuilder<T> service, IResourceBuilder<ProjectResource> registry, ParameterResource key)
        where T : IResourceWithEnvironment =>
        service.WithEnvironment("Registry__Url", registry.GetEndpoint("http"))
            .WithEnvironment("Registry__ApiKey", key);
}
