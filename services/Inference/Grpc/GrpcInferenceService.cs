using Google.Protobuf;
using Grpc.Core;
using ModelAccess = Platform.Inference.Apis.ModelAccess;
using ModelsApi = Platform.Inference.Apis.ModelsApi;
using OipError = Platform.Inference.Apis.OipError;
using ServerApi = Platform.Inference.Apis.ServerApi;
using StatisticsApi = Platform.Inference.Apis.StatisticsApi;
using Platform.Inference.Metrics;
using Platform.Inference.Grpc.Protocol;
using Platform.Inference.Models;
using Platform.Inference.Protocol;

namespace Platform.Inference.Grpc;

/// <summary>
/// The Open Inference Protocol over gRPC (<c>inference.GRPCInferenceService</c>), on the port <c>Inference:GrpcPort</c>
/// names. It serves the same models as the HTTP endpoints through the same lease, checks, queue and metrics
/// (<see cref="ModelAccess"/>); answers carry their tensors in <c>raw_output_contents</c>, as Triton's do. Errors are gRPC
/// statuses with the message the HTTP endpoint would give: INVALID_ARGUMENT for bad input, NOT_FOUND for an unknown model
/// or version, RESOURCE_EXHAUSTED for a full queue, UNAVAILABLE for a model not ready. Triton's <c>ModelStatistics</c> call
/// answers what <c>/v2/models/{name}/stats</c> does.
/// </summary>
public sealed class GrpcInferenceService(ModelRepository repository, InferenceMetrics metrics) : GRPCInferenceService.GRPCInferenceServiceBase
{
    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = repository.Ready });

    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerMetadataResponse { Name = ServerApi.ServerName, Version = ServerApi.ServerVersion, Extensions = { ServerApi.Extensions } });

    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context) =>
        ModelAccess.Ready(repository, request.Name, NullIfEmpty(request.Version)) is { } ready
            ? Task.FromResult(new ModelReadyResponse { Ready = ready })
            : throw Failure(OipError.NotFound($"Unknown model '{request.Name}'."));

    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        var (lease, error) = ModelAccess.Lease(repository, request.Name, NullIfEmpty(request.Version));
        if (lease is null)
        {
            throw Failure(error!);
        }
        using (lease)
        {
            var model = lease.Model;
            return Task.FromResult(new ModelMetadataResponse
            {
                Name = request.Name,
                Versions = { model.Version },
                Platform = ModelsApi.Platform,
                Inputs = { model.Signature.Inputs.Select(Describe) },
                Outputs = { model.Signature.Outputs.Select(Describe) },
            });
        }
    }

    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        var started = GrpcEndpoint.Arrived(context.GetHttpContext());
        var (lease, error) = ModelAccess.Lease(repository, request.ModelName, NullIfEmpty(request.ModelVersion));
        if (lease is null)
        {
            throw Failure(error!);
        }
        using (lease)
        {
            var outcome = await ModelAccess.InferAsync(lease, signature => GrpcRequestReader.Read(request, signature), started, context.CancellationToken);
            if (outcome.Error is { } failure)
            {
                throw Failure(failure);
            }
            return Response(request.ModelName, lease.Model.Version, outcome.Request!, outcome.Outputs!);
        }
    }

    public override Task<ModelStatisticsResponse> ModelStatistics(ModelStatisticsRequest request, ServerCallContext context)
    {
        var (models, error) = StatisticsApi.Select(metrics, repository, NullIfEmpty(request.Name), NullIfEmpty(request.Version));
        return models is null ? throw Failure(error!) : Task.FromResult(new ModelStatisticsResponse { ModelStats = { models.Select(Describe) } });
    }

    private static Protocol.ModelStatistics Describe(Metrics.ModelStatistics model) => new()
    {
        Name = model.Model,
        Version = model.Version,
        LastInference = (ulong)model.LastInference,
        InferenceCount = (ulong)model.Inferences,
        ExecutionCount = (ulong)model.Executions,
        InferenceStats = new InferStatistics
        {
            Success = Duration(model.Succeeded),
            Fail = Duration(model.Failed),
            Queue = Duration(model.Queue),
            ComputeInput = Duration(model.ComputeInput),
            ComputeInfer = Duration(model.ComputeInfer),
            ComputeOutput = Duration(model.ComputeOutput),
            CacheHit = new StatisticDuration(),
        },
        BatchStats =
        {
            model.Batches.Select(batch => new InferBatchStatistics
            {
                BatchSize = (ulong)batch.Size,
                ComputeInput = Duration(batch.ComputeInput),
                ComputeInfer = Duration(batch.ComputeInfer),
                ComputeOutput = Duration(batch.ComputeOutput),
            }),
        },
    };

    private static StatisticDuration Duration(DurationStatistic statistic) => new() { Count = (ulong)statistic.Count, Ns = (ulong)statistic.Nanoseconds };

    /// <summary>The answer, every output's elements in <c>raw_output_contents</c>, laid out as the binary data extension lays them.</summary>
    private static ModelInferResponse Response(string model, string version, InferenceRequest request, IReadOnlyList<TensorData> outputs)
    {
        var response = new ModelInferResponse { ModelName = model, ModelVersion = version, Id = request.Id ?? "" };
        foreach (var output in outputs)
        {
            response.Outputs.Add(new ModelInferResponse.Types.InferOutputTensor { Name = output.Name, Datatype = output.Type.Name, Shape = { output.Shape } });
            // The output's bytes are its own (nothing writes them after the run), so they go out without a copy.
            response.RawOutputContents.Add(UnsafeByteOperations.UnsafeWrap(output.ToBinary()));
        }
        return response;
    }

    private static RpcException Failure(OipError error) =>
        new(new Status(error.StatusCode switch
        {
            StatusCodes.Status400BadRequest => StatusCode.InvalidArgument,
            StatusCodes.Status404NotFound => StatusCode.NotFound,
            StatusCodes.Status413PayloadTooLarge or StatusCodes.Status429TooManyRequests => StatusCode.ResourceExhausted,
            StatusCodes.Status503ServiceUnavailable => StatusCode.Unavailable,
            _ => StatusCode.Internal,
        }, error.Value.Error));

    private static ModelMetadataResponse.Types.TensorMetadata Describe(Runtime.TensorSpec spec) =>
        new() { Name = spec.Name, Datatype = spec.Type.Name, Shape = { spec.Shape } };

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
