using Microsoft.ML.OnnxRuntime;
using Platform.Inference.Metrics;
using Platform.Inference.Models;
using Platform.Inference.Protocol;
using Platform.Inference.Runtime;

namespace Platform.Inference.Apis;

/// <summary>What an inference ended in: the request and its outputs, or the error the client is told.</summary>
public sealed record InferOutcome(InferenceRequest? Request, IReadOnlyList<TensorData>? Outputs, OipError? Error);

/// <summary>
/// What the HTTP and gRPC endpoints share: the lease on a model's serving version, and one inference from a request read
/// against the model's signature through the queue, counted in Triton's metrics. Errors come back as an
/// <see cref="OipError"/> (an HTTP status and a message), which gRPC translates into its own status codes.
/// </summary>
public static class ModelAccess
{
    /// <summary>A lease on the model's current version, which must be <paramref name="version"/> when one is named.</summary>
    public static (ModelLease? Lease, OipError? Error) Lease(ModelRepository repository, string name, string? version)
    {
        var served = repository.Find(name);
        if (served is null)
        {
            return (null, OipError.NotFound($"Unknown model '{name}'."));
        }
        var lease = served.Lease();
        if (lease is null)
        {
            return (null, OipError.Unavailable($"Model '{name}' is not ready: {served.State.ToString().ToUpperInvariant()}{(served.Reason is null ? "" : $" ({served.Reason})")}."));
        }
        if (version is not null && version != lease.Model.Version)
        {
            lease.Dispose();
            return (null, OipError.NotFound($"Version {version} of model '{name}' is not loaded; version {lease.Model.Version} serves."));
        }
        return (lease, null);
    }

    /// <summary>Whether the model serves, and as <paramref name="version"/> when one is named; null when the model is unknown.</summary>
    public static bool? Ready(ModelRepository repository, string name, string? version) =>
        repository.Find(name) is { } served ? served.Current is { } current && (version is null || version == current.Version) : null;

    /// <param name="read">Reads the request against the model's signature; throws <see cref="ProtocolException"/> for bad input.</param>
    /// <param name="started">When the request arrived (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>), for the request duration metric.</param>
    public static async Task<InferOutcome> InferAsync(ModelLease lease, Func<ModelSignature, InferenceRequest> read, long started, CancellationToken cancellationToken)
    {
        var model = lease.Model;
        try
        {
            var request = read(model.Signature);
            var outputs = await model.Scheduler.ScheduleAsync(request, cancellationToken);
            model.Statistics.Succeed(started);
            return new InferOutcome(request, outputs, null);
        }
        catch (ProtocolException exception)
        {
            model.Statistics.Fail(FailureReason.Other, started);
            return Failed(new OipError(exception.StatusCode, exception.Message));
        }
        catch (QueueFullException exception)
        {
            model.Statistics.Fail(FailureReason.Rejected, started);
            return Failed(new OipError(StatusCodes.Status429TooManyRequests, exception.Message));
        }
        catch (OnnxRuntimeException exception)
        {
            model.Statistics.Fail(FailureReason.Backend, started);
            // ONNX Runtime tags what bad input caused (an index out of range, say) as InvalidArgument.
            return Failed(exception.Message.Contains("[ErrorCode:InvalidArgument]", StringComparison.Ordinal)
                ? OipError.BadRequest($"The model cannot run on this input: {exception.Message}")
                : new OipError(StatusCodes.Status500InternalServerError, $"The model failed: {exception.Message}"));
        }
    }

    private static InferOutcome Failed(OipError error) => new(null, null, error);
}
