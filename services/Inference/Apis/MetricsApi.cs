using Platform.Inference.Metrics;

namespace Platform.Inference.Apis;

public static class MetricsApi
{
    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", (InferenceMetrics metrics) => TypedResults.Text(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"))
            .WithTags("Metrics").WithName("Metrics")
            .WithSummary("Prometheus metrics under Triton's names (nv_inference_*), per model and version");
        return app;
    }
}
