using Microsoft.Extensions.Hosting;
using Platform.Sync.Apis;
using Platform.Sync.Extensions;
using Platform.Testing;

namespace Platform.Sync.Tests.Hosting;

/// <summary>The real sync worker, built exactly as Program.cs builds it, on Kestrel over real HTTP.</summary>
public static class SyncServer
{
    public static Task<InProcessServer> StartAsync(IReadOnlyDictionary<string, string?> settings) =>
        InProcessServer.StartAsync(typeof(SyncApi).Assembly.GetName().Name!, settings, "Production",
            builder =>
            {
                builder.AddServiceDefaults();
                builder.AddApplicationServices();
            },
            app =>
            {
                app.MapDefaultEndpoints();
                app.MapSyncApi();
            });
}
