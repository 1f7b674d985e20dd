using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Platform.Inference.Extensions;
using Platform.Inference.Models;
using Platform.Inference.Protocol;
using Platform.Inference.Runtime;

namespace Platform.Inference.Apis;

/// <summary>The per-model endpoints: metadata, readiness and inference, each with or without <c>/versions/{version}</c>.</summary>
public static class ModelsApi
{
    public const string Platform = "onnx_onnxv1";

    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        foreach (var (prefix, suffix) in new[] { ("/v2/models/{name}", ""), ("/v2/models/{name}/versions/{version}", "Version") })
        {
            var model = app.MapGroup(prefix).WithTags("Models");
            model.MapGet("", Metadata).WithName("ModelMetadata" + suffix)
                .WithSummary("The model's platform, versions, inputs and outputs (datatype and shape, -1 for a free dimension)");
            model.MapGet("/config", Config).WithName("ModelConfig" + suffix)
                .WithSummary("How the model runs (Triton's model configuration extension): batching, instances and ONNX Runtime threads");
            model.MapGet("/ready", Ready).WithName("ModelReady" + suffix).WithSummary("Whether the model (version) serves: 200 when ready, 503 when not");
            model.MapPost("/infer", Infer).WithName("ModelInfer" + suffix)
                .WithSummary("Run the model: JSON tensors, or JSON followed by binary tensor data (Inference-Header-Content-Length)")
                .Accepts<object>("application/json", "application/octet-stream");
        }
        return app;
    }

    private static Results<Ok<ModelMetadataResponse>, OipError> Metadata(string name, ModelRepository repository, string? version = null)
    {
        var (lease, error) = ModelAccess.Lease(repository, name, version);
        if (lease is null)
        {
            return error!;
        }
        using (lease)
        {
            var model = lease.Model;
            return TypedResults.Ok(new ModelMetadataResponse(name, [model.Version], Platform,
                model.Signature.Inputs.Select(Describe).ToList(), model.Signature.Outputs.Select(Describe).ToList()));
        }
    }

    private static Results<Ok<ModelConfigResponse>, OipError> Config(string name, ModelRepository repository, string? version = null)
    {
        var (lease, error) = ModelAccess.Lease(repository, name, version);
        if (lease is null)
        {
            return error!;
        }
        using (lease)
        {
            var (model, options) = (lease.Model, lease.Model.Options);
            var batching = model.Signature.Batchable && options.MaxBatchSize > 1;
            return TypedResults.Ok(new ModelConfigResponse(name, model.Version, "onnxruntime_onnx", "onnxruntime",
                batching ? options.MaxBatchSize : 0,
                batching ? new DynamicBatchingConfig((long)options.MaxQueueDelay.TotalMicroseconds, new QueuePolicyConfig(options.MaxQueueSize)) : null,
                [new InstanceGroupConfig(options.Instances, "KIND_CPU")],
                new Dictionary<string, ConfigParameter>
                {
                    ["intra_op_thread_count"] = new(options.IntraOpThreads.ToString(CultureInfo.InvariantCulture)),
                    ["inter_op_thread_count"] = new(options.InterOpThreads.ToString(CultureInfo.InvariantCulture)),
                    ["allow_spinning"] = new(options.AllowSpinning ? "true" : "false"),
                    ["max_queue_size"] = new(options.MaxQueueSize.ToString(CultureInfo.InvariantCulture)),
                }));
        }
    }

    private static Results<Ok<ModelReadyResponse>, JsonHttpResult<ModelReadyResponse>, OipError> Ready(string name, ModelRepository repository, string? version = null) =>
        ModelAccess.Ready(repository, name, version) switch
        {
            null => OipError.NotFound($"Unknown model '{name}'."),
            true => TypedResults.Ok(new ModelReadyResponse(name, true)),
            false => TypedResults.Json(new ModelReadyResponse(name, false), statusCode: StatusCodes.Status503ServiceUnavailable),
        };

    private static async Task<Results<InferenceResult, OipError>> Infer(string name, HttpContext context, ModelRepository repository,
        IOptions<InferenceOptions> options, CancellationToken cancellationToken, string? version = null)
    {
        var started = Stopwatch.GetTimestamp();
        if (repository.Find(name) is null)
        {
            return OipError.NotFound($"Unknown model '{name}'.");
        }
        RequestBody body;
        try
        {
            body = await RequestBody.ReadAsync(context.Request, options.Value.MaxRequestBytes, cancellationToken);
        }
        catch (ProtocolException exception)
        {
            return new OipError(exception.StatusCode, exception.Message);
        }
        // Binary inputs are read where they lie in the body, and the result written after this returns still holds the
        // request: the body goes back to its pool when the response is done, not before.
        context.Response.RegisterForDispose(body);
        var (lease, error) = ModelAccess.Lease(repository, name, version);
        if (lease is null)
        {
            return error!;
        }
        using (lease)
        {
            var outcome = await ModelAccess.InferAsync(lease,
                signature => InferenceRequestReader.Read(body.Memory, HeaderLength(context.Request), signature), started, cancellationToken);
            return outcome.Error ?? (Results<InferenceResult, OipError>)new InferenceResult(name, lease.Model.Version, outcome.Request!, outcome.Outputs!);
        }
    }

    private static long? HeaderLength(HttpRequest request)
    {
        if (!request.Headers.TryGetValue(InferenceResponseWriter.HeaderLengthHeader, out var values))
        {
            return null;
        }
        return long.TryParse(values.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            ? length
            : throw new ProtocolException($"{InferenceResponseWriter.HeaderLengthHeader} must be a non-negative integer.");
    }

    private static TensorMetadata Describe(TensorSpec spec) => new(spec.Name, spec.Type.Name, spec.Shape);
}
