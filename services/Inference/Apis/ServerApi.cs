using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Inference.Models;

namespace Platform.Inference.Apis;

/// <summary>The server-wide endpoints of the protocol: metadata, liveness and readiness.</summary>
public static class ServerApi
{
    public const string ServerName = "platform-inference";

    /// <summary>The extensions this server speaks (Triton's names), listed in the server metadata.</summary>
    public static readonly IReadOnlyList<string> Extensions = ["binary_tensor_data", "model_repository", "model_configuration", "statistics"];

    public static readonly string ServerVersion =
        typeof(ServerApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static IEndpointRouteBuilder MapServerApi(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup("/v2").WithTags("Server");
        v2.MapGet("", Metadata).WithName("ServerMetadata").WithSummary("Server name, version and protocol extensions");
        v2.MapGet("/health/live", Live).WithName("ServerLive").WithSummary("Whether the server answers at all (liveness probe)");
        v2.MapGet("/health/ready", Ready).WithName("ServerReady")
            .WithSummary("Whether every model that should serve does (readiness probe): 200 when ready, 503 when not");
        return app;
    }

    private static Ok<ServerMetadataResponse> Metadata() => TypedResults.Ok(new ServerMetadataResponse(ServerName, ServerVersion, Extensions));

    private static Ok<LiveResponse> Live() => TypedResults.Ok(new LiveResponse(true));

    private static Results<Ok<ReadyResponse>, JsonHttpResult<ReadyResponse>> Ready(ModelRepository repository) =>
        repository.Ready
            ? TypedResults.Ok(new ReadyResponse(true))
            : TypedResults.Json(new ReadyResponse(false), statusCode: StatusCodes.Status503ServiceUnavailable);
}
