using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every Platform service shares: OpenTelemetry (including MassTransit's activity source and meter),
/// health checks, service discovery and resilient HTTP clients.
/// </summary>
public static class Extensions
{
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";

    /// <summary>MassTransit's ActivitySource and Meter are both named "MassTransit".</summary>
    private const string MassTransitTelemetryName = "MassTransit";

    /// <summary>
    /// The most traces a second this service starts; a request that arrives with a sampled parent is traced regardless, so
    /// a trace stays whole across services. Unset: <see cref="DefaultMaxTracesPerSecond"/>, unless OpenTelemetry's own
    /// <c>OTEL_TRACES_SAMPLER</c> is set, which then decides. 0: no limit of this service's own (every request, or what
    /// <c>OTEL_TRACES_SAMPLER</c> says).
    /// </summary>
    public const string MaxTracesPerSecondKey = "Telemetry:MaxTracesPerSecond";

    /// <summary>
    /// Enough whole traces to follow a person clicking around or a load test; not one per request. A trace of every request
    /// costs each request its recording (and its export, where one is set up), and locally the dashboard took a third of the
    /// machine taking them in (docs/benchmarks.md).
    /// </summary>
    public const double DefaultMaxTracesPerSecond = 20;

    /// <summary>Activity sources and meters of Platform's own code start with this prefix.</summary>
    public const string PlatformTelemetryPrefix = "Platform.";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.AddIoBlockPool();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    /// <summary>
    /// Kestrel reads and writes through <see cref="IoBlockPoolFactory"/>'s larger blocks, unless <c>IoBlocks:BlockBytes</c> is 0.
    /// Kestrel's own factory is internal, so with 0 nothing is registered and Kestrel keeps it; otherwise the size comes
    /// from the validated options, so that a bad value stops the service with its reason.
    /// </summary>
    public static TBuilder AddIoBlockPool<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<IoBlockOptions>().BindConfiguration(IoBlockOptions.SectionName)
            .Validate(options => options.IsValid, IoBlockOptions.Rule).ValidateOnStart();
        if (builder.Configuration.GetValue<int?>($"{IoBlockOptions.SectionName}:{nameof(IoBlockOptions.BlockBytes)}") is not 0)
        {
            builder.Services.AddSingleton<IMemoryPoolFactory<byte>>(services =>
                new IoBlockPoolFactory(services.GetRequiredService<IOptions<IoBlockOptions>>().Value.BlockBytes));
        }
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var maxTracesPerSecond = MaxTracesPerSecond(builder.Configuration);
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(MassTransitTelemetryName)
                .AddMeter(PlatformTelemetryPrefix + "*"))
            .WithTracing(tracing => (maxTracesPerSecond > 0 ? tracing.SetSampler(new ParentBasedSampler(new RateLimitingSampler(maxTracesPerSecond))) : tracing)
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(MassTransitTelemetryName)
                .AddSource(PlatformTelemetryPrefix + "*")
                // Probes would drown the traces that matter, on the side that answers them and on the side that asks.
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsProbe(context.Request.Path))
                .AddHttpClientInstrumentation(options => options.FilterHttpRequestMessage = request =>
                    request.RequestUri is not { } uri || !IsProbe(new PathString(uri.AbsolutePath))));

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    private static double MaxTracesPerSecond(IConfiguration configuration)
    {
        var configured = configuration.GetValue<double?>(MaxTracesPerSecondKey);
        if (configured is { } rate && !(rate >= 0 && double.IsFinite(rate)))
        {
            throw new InvalidOperationException($"{MaxTracesPerSecondKey} is {rate}: it must be 0 (trace every request) or a number of traces a second.");
        }
        return configured ?? (string.IsNullOrWhiteSpace(configuration["OTEL_TRACES_SAMPLER"]) ? DefaultMaxTracesPerSecond : 0);
    }

    /// <summary>
    /// A request that only asks whether something is up: the orchestrators' <c>/health</c> and <c>/alive</c>, and the Open
    /// Inference Protocol's <c>/v2/health/…</c> and <c>/v2/models/{name}/ready</c>, which the gateway asks of every cloud
    /// twice a second.
    /// </summary>
    public static bool IsProbe(PathString path) =>
        path.StartsWithSegments(HealthEndpointPath)
        || path.StartsWithSegments(AlivenessEndpointPath)
        || path.StartsWithSegments("/v2/health")
        || (path.StartsWithSegments("/v2/models", out var model) && model.Value?.Split('/') is ["", _, "ready"] or ["", _, "versions", _, "ready"]);

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);

        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (every check must pass: readiness) and <c>/alive</c> (only "live" checks: liveness)
    /// in every environment, because Kubernetes probes call them in production too. Neither endpoint reveals
    /// more than the overall status.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath);
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("live"),
        });

        return app;
    }
}
