using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Platform.Inference.Protocol;

namespace Platform.Inference.Apis;

/// <summary>A successful inference: the <c>$inference_response</c>, JSON alone or followed by binary tensor data.</summary>
public sealed class InferenceResult(string model, string version, InferenceRequest request, IReadOnlyList<TensorData> outputs)
    : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    public int? StatusCode => StatusCodes.Status200OK;

    public IReadOnlyList<TensorData> Outputs { get; } = outputs;

    public Task ExecuteAsync(HttpContext httpContext) =>
        InferenceResponseWriter.WriteAsync(httpContext.Response, model, version, request, Outputs, httpContext.RequestAborted);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(object), ["application/json", "application/octet-stream"]));
}
