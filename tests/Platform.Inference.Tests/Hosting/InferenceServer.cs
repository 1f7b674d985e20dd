using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Inference.Apis;
using Platform.Inference.Extensions;
using Platform.Testing;

namespace Platform.Inference.Tests.Hosting;

/// <summary>The real inference server, built exactly as Program.cs builds it, on Kestrel over real HTTP.</summary>
public static class InferenceServer
{
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    public static Task<InProcessServer> StartAsync(IReadOnlyDictionary<string, string?> settings, Action<ILoggingBuilder>? logging = null) =>
        InProcessServer.StartAsync(typeof(InferenceEndpoints).Assembly.GetName().Name!, settings, "Production",
            builder =>
            {
                builder.AddServiceDefaults();
                builder.AddApplicationServices();
            },
            app => app.MapInference(),
            logging);

    /// <summary>Waits until <c>/v2/health/ready</c> answers 200.</summary>
    public static async Task WaitUntilReadyAsync(HttpClient client, TimeSpan? timeout = null) =>
        await Eventually.HoldsAsync(async () => (await client.GetAsync("/v2/health/ready")).StatusCode == HttpStatusCode.OK, timeout ?? ReadyTimeout,
            "the server to be ready");
}
