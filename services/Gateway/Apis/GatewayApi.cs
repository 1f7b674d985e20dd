using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Gateway.Routing;

namespace Platform.Gateway.Apis;

public sealed record CloudStatus(string Cloud, Uri Url, bool Live, double? LatencyMs, IReadOnlyDictionary<string, bool> Models);

public static class GatewayApi
{
    public static IEndpointRouteBuilder MapGatewayApi(this IEndpointRouteBuilder app)
    {
        // Everything under /v2 is the Open Inference Protocol, forwarded to the best cloud.
        app.Map("/v2/{**rest}", (HttpContext context, FailoverForwarder forwarder) => forwarder.ForwardAsync(context))
            .WithName("ForwardInference").WithSummary("Forward an Open Inference Protocol request to the best cloud for its model");
        app.Map("/v2", (HttpContext context, FailoverForwarder forwarder) => forwarder.ForwardAsync(context))
            .WithName("ForwardServerMetadata").WithSummary("Forward the server metadata request to the best cloud");
        // The protocol's gRPC API, on the gRPC port (Gateway:GrpcPort): routed by the model the call's message names.
        app.MapPost(GrpcCalls.ServicePath + "/{method}", (HttpContext context, FailoverForwarder forwarder) => forwarder.ForwardAsync(context))
            .WithName("ForwardGrpcCall").WithSummary("Forward a call of the protocol's gRPC API to the best cloud for its model");
        app.MapGet("/gateway/clouds", Status).WithName("GetClouds").WithSummary("What the gateway knows of each cloud: live, latency, ready models");
        return app;
    }

    private static Ok<IReadOnlyList<CloudStatus>> Status(Clouds clouds) =>
        TypedResults.Ok<IReadOnlyList<CloudStatus>>(clouds.All
            .Select(cloud => new CloudStatus(cloud.Name, cloud.Url, cloud.Live, double.IsNaN(cloud.LatencyMs) ? null : Math.Round(cloud.LatencyMs, 2),
                new SortedDictionary<string, bool>(cloud.Models.ToDictionary(), StringComparer.Ordinal)))
            .ToList());
}
