using System.Text.Json.Nodes;
using Platform.GcsEmulator.Storage;

namespace Platform.GcsEmulator.Apis;

/// <summary>Buckets: insert, get, list, delete (https://cloud.google.com/storage/docs/json_api/v1/buckets).</summary>
public static class BucketsApi
{
    public static IEndpointRouteBuilder MapBucketsApi(this IEndpointRouteBuilder app)
    {
        var buckets = app.MapGroup("/storage/v1/b");
        buckets.MapPost("", CreateAsync);
        buckets.MapGet("", List);
        buckets.MapGet("/{bucket}", Get);
        buckets.MapDelete("/{bucket}", Delete);
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, EmulatorStore store, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Query["project"]))
        {
            throw new GcsException(400, "required", "Required parameter: project");
        }
        var body = await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken) as JsonObject;
        var name = body?["name"]?.GetValue<string>() ?? throw GcsException.Invalid("Bucket name is required.");
        return Results.Json(Wire.Bucket(store.CreateBucket(name), request));
    }

    private static IResult List(HttpRequest request, EmulatorStore store) =>
        Results.Json(new JsonObject
        {
            ["kind"] = "storage#buckets",
            ["items"] = new JsonArray(store.ListBuckets().Select(bucket => (JsonNode)Wire.Bucket(bucket, request)).ToArray()),
        });

    private static IResult Get(string bucket, HttpRequest request, EmulatorStore store) => Results.Json(Wire.Bucket(store.GetBucket(bucket), request));

    private static IResult Delete(string bucket, EmulatorStore store)
    {
        store.DeleteBucket(bucket);
        return Results.NoContent();
    }
}
