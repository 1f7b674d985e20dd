using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Registry.Apis;
using Platform.Registry.Extensions;
using Platform.Testing;

namespace Platform.Registry.Tests.Hosting;

/// <summary>The real registry, built exactly as Program.cs builds it, on Kestrel over real HTTP.</summary>
public static class RegistryServer
{
    public static Task<InProcessServer> StartAsync(IReadOnlyDictionary<string, string?> settings, string environment, Action<ILoggingBuilder>? logging = null) =>
        InProcessServer.StartAsync(typeof(RegistryEndpoints).Assembly.GetName().Name!, settings, environment,
            builder =>
            {
                builder.AddServiceDefaults();
                builder.AddApplicationServices();
            },
            app => app.MapRegistry(),
            logging);
}
