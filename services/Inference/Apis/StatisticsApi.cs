using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Inference.Metrics;
using Platform.Inference.Models;

namespace Platform.Inference.Apis;

/// <summary>
/// Triton's statistics extension: <c>GET /v2/models[/{name}[/versions/{version}]]/stats</c>, each model version's counts and
/// cumulative times (in nanoseconds) since the server started, as <c>/metrics</c> counts them. Every version loaded since
/// then is listed, including one an alias has moved away from, so that a sampler sees its last figures.
/// </summary>
public static class StatisticsApi
{
    public static IEndpointRouteBuilder MapStatisticsApi(this IEndpointRouteBuilder app)
    {
        // A literal segment outranks the {name} of the metadata route, so a model called "stats" has no metadata here, as in Triton.
        app.MapGet("/v2/models/stats", All).WithTags("Statistics").WithName("ModelStatisticsAll")
            .WithSummary("Every model version's statistics (Triton's statistics extension)");
        app.MapGet("/v2/models/{name}/stats", Stats).WithTags("Statistics").WithName("ModelStatistics")
            .WithSummary("The statistics of every version of the model loaded since the server started");
        app.MapGet("/v2/models/{name}/versions/{version}/stats", Stats).WithTags("Statistics").WithName("ModelStatisticsVersion")
            .WithSummary("The statistics of one version of the model");
        return app;
    }

    private static Results<Ok<ModelStatsResponse>, OipError> All(InferenceMetrics metrics, ModelRepository repository) => Stats(null, metrics, repository);

    private static Results<Ok<ModelStatsResponse>, OipError> Stats(string? name, InferenceMetrics metrics, ModelRepository repository, string? version = null)
    {
        var (models, error) = Select(metrics, repository, name, version);
        return models is null ? error! : TypedResults.Ok(new ModelStatsResponse(models.Select(Describe).ToList()));
    }

    /// <summary>
    /// The statistics asked for: every model's when <paramref name="name"/> is null, else every version of that model loaded
    /// since the server started (none yet for a model still loading), or the one <paramref name="version"/>; the protocol's
    /// error for an unknown model or a version never loaded. The HTTP and gRPC endpoints share it.
    /// </summary>
    public static (IReadOnlyList<ModelStatistics>? Models, OipError? Error) Select(InferenceMetrics metrics, ModelRepository repository, string? name, string? version)
    {
        var models = metrics.Models.Where(model => name is null || model.Model == name).ToList();
        if (name is null)
        {
            return (models, null);
        }
        if (models.Count == 0 && repository.Find(name) is null)
        {
            return (null, OipError.NotFound($"Unknown model '{name}'."));
        }
        if (version is not null)
        {
            models = models.Where(model => model.Version == version).ToList();
            if (models.Count == 0)
            {
                return (null, OipError.NotFound($"Version {version} of model '{name}' has not been loaded."));
            }
        }
        return (models, null);
    }

    private static ModelStat Describe(ModelStatistics model) => new(model.Model, model.Version, model.LastInference, model.Inferences, model.Executions,
        new InferStats(Duration(model.Succeeded), Duration(model.Failed), Duration(model.Queue),
            Duration(model.ComputeInput), Duration(model.ComputeInfer), Duration(model.ComputeOutput), new DurationStat(0, 0)),
        model.Batches.Select(batch => new BatchStat(batch.Size, Duration(batch.ComputeInput), Duration(batch.ComputeInfer), Duration(batch.ComputeOutput))).ToList());

    private static DurationStat Duration(DurationStatistic statistic) => new(statistic.Count, statistic.Nanoseconds);
}
