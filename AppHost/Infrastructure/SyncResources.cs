namespace Platform.AppHost.Infrastructure;

public static class SyncResources
{
    /// <summary>
    /// The sync worker of <paramref name="home"/>'s cloud (<c>sync-{cloud}</c>): it pulls artifacts into that cloud's store
    /// from any of <paramref name="stores"/>, reports verified copies to the registry over the bus, and reconciles against
    /// the registry on a schedule.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddSyncWorker(this Provisioning provisioning, ObjectStoreResource home, params ObjectStoreResource[] stores)
    {
        var worker = provisioning.AddService<Projects.Platform_Sync>($"sync-{home.Cloud}")
            .WithHttpEndpoint()
            .WithEnvironment("Sync__Cloud", home.Cloud)
            .WithPromptHttpHealthCheck("/health");
        foreach (var store in stores.Append(home).Distinct())
        {
            worker.WithObjectStore(store);
        }
        return worker;
    }
}
