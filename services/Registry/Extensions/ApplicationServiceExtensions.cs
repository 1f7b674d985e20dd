using Platform.Registry.Auth;
using Platform.Registry.Services;
using Platform.Storage.Configuration;

namespace Platform.Registry.Extensions;

public static class ApplicationServiceExtensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddEmbeddedStoreWhenNoneIsConfigured();
        builder.Services.AddValidatedOptions<RegistryOptions, RegistryOptionsAnnotationsValidator>(RegistryOptions.SectionName)
            .Validate<ObjectStores>((options, stores) => stores.TryGet(options.HomeStore, out _),
                $"{RegistryOptions.SectionName}:HomeStore must name a store configured under Storage:Stores.");
        builder.Services.AddObjectStores(builder.Configuration);
        // The database must be migrated before the bus starts delivering messages to consumers that use it.
        builder.AddRegistryDatabase();
        builder.AddRegistryMessaging();
        builder.AddRegistryAuth();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<OnnxInspector>();
        builder.Services.AddSingleton<ReplicaSelector>();
        builder.Services.AddScoped<VersionRegistrar>();
        builder.Services.AddSingleton<AbandonedUploadSweeper>();
        builder.Services.AddHostedService(services => services.GetRequiredService<AbandonedUploadSweeper>());

        builder.Services.AddRegistryProblemDetails();
        builder.Services.AddRegistryOpenApi();
        return builder;
    }

    /// <summary>
    /// Run alone (<c>dotnet run --project services/Registry</c>) with no store configured, the registry keeps artifacts in
    /// the embedded file-system store <c>local</c> under <c>data/artifacts</c>. Configured stores replace it entirely, so it
    /// never joins a replication policy by accident.
    /// </summary>
    private static void AddEmbeddedStoreWhenNoneIsConfigured(this IHostApplicationBuilder builder)
    {
        if (builder.Configuration.GetSection("Storage:Stores").GetChildren().Any())
        {
            return;
        }
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Stores:local:Provider"] = "FileSystem",
            ["Storage:Stores:local:Path"] = Path.Combine(builder.Environment.ContentRootPath, "data", "artifacts"),
            ["Storage:Stores:local:CreateIfMissing"] = "true",
            [$"{RegistryOptions.SectionName}:{nameof(RegistryOptions.HomeStore)}"] = builder.Configuration[$"{RegistryOptions.SectionName}:{nameof(RegistryOptions.HomeStore)}"] ?? "local",
        });
    }
}
