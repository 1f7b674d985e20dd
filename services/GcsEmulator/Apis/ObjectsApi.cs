using System.Text.Json.Nodes;
using Microsoft.Net.Http.Headers;
using Platform.GcsEmulator.Storage;

namespace Platform.GcsEmulator.Apis;

/// <summary>Objects: get (metadata or media), list, patch/update, delete, copy and rewrite
/// (https://cloud.google.com/storage/docs/json_api/v1/objects).</summary>
public static class ObjectsApi
{
    public static IEndpointRouteBuilder MapObjectsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/storage/v1/b/{bucket}/o", List);
        app.MapGet("/storage/v1/b/{bucket}/o/{**name}", Get);
        app.MapGet("/download/storage/v1/b/{bucket}/o/{**name}", Download);
        app.MapPatch("/storage/v1/b/{bucket}/o/{**name}", (HttpContext context, EmulatorStore store, CancellationToken token) => UpdateAsync(context, store, merge: true, token));
        app.MapPut("/storage/v1/b/{bucket}/o/{**name}", (HttpContext context, EmulatorStore store, CancellationToken token) => UpdateAsync(context, store, merge: false, token));
        app.MapDelete("/storage/v1/b/{bucket}/o/{**name}", Delete);
        app.MapPost("/storage/v1/b/{bucket}/o/{**rest}", CopyAsync);
        return app;
    }

    private static IResult List(string bucket, HttpRequest request, EmulatorStore store)
    {
        var query = request.Query;
        var maxResults = int.TryParse(query["maxResults"], out var max) && max > 0 ? Math.Min(max, 1000) : 1000;
        var (items, prefixes, nextPageToken) = store.List(bucket, query["prefix"].ToString(), query["delimiter"], maxResults, query["pageToken"], query["startOffset"], query["endOffset"]);
        var page = new JsonObject { ["kind"] = "storage#objects" };
        if (items.Count > 0)
        {
            page["items"] = new JsonArray(items.Select(item => (JsonNode)Wire.Object(item, request)).ToArray());
        }
        if (prefixes.Count > 0)
        {
            page["prefixes"] = new JsonArray(prefixes.Select(prefix => (JsonNode)prefix).ToArray());
        }
        if (nextPageToken is not null)
        {
            page["nextPageToken"] = nextPageToken;
        }
        return Results.Json(page);
    }

    private static IResult Get(HttpContext context, EmulatorStore store)
    {
        var (bucket, name) = RawPath.Object(RawPath.Segments(context), bucketIndex: 3);
        return context.Request.Query["alt"] == "media" ? Media(context, store, bucket, name) : Results.Json(Wire.Object(Find(context, store, bucket, name), context.Request));
    }

    private static IResult Download(HttpContext context, EmulatorStore store)
    {
        var (bucket, name) = RawPath.Object(RawPath.Segments(context), bucketIndex: 4);
        return Media(context, store, bucket, name);
    }

    /// <summary>Streams the content from disk, honouring Range (206 with Content-Range, 416 when unsatisfiable).</summary>
    private static IResult Media(HttpContext context, EmulatorStore store, string bucket, string name)
    {
        var record = Find(context, store, bucket, name);
        var headers = context.Response.Headers;
        headers["x-goog-generation"] = record.Generation.ToString();
        headers["x-goog-metageneration"] = record.Metageneration.ToString();
        headers["x-goog-stored-content-length"] = record.Size.ToString();
        headers["x-goog-stored-content-encoding"] = "identity";
        headers["x-goog-hash"] = $"crc32c={record.Crc32C},md5={record.Md5Hash}";
        foreach (var (metadataName, value) in record.Metadata ?? [])
        {
            headers["x-goog-meta-" + metadataName] = value;
        }
        // The open handle keeps this generation's bytes readable even if a newer generation replaces the file meanwhile.
        var content = new FileStream(store.DataPath(record), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 256 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return Results.Stream(content, record.ContentType, lastModified: record.Updated, entityTag: new EntityTagHeaderValue($"\"{Wire.ETag(record)}\""), enableRangeProcessing: true);
    }

    private static ObjectRecord Find(HttpContext context, EmulatorStore store, string bucket, string name) =>
        store.GetObject(bucket, name, Preconditions.From(context.Request.Query));

    private static async Task<IResult> UpdateAsync(HttpContext context, EmulatorStore store, bool merge, CancellationToken cancellationToken)
    {
        var (bucket, name) = RawPath.Object(RawPath.Segments(context), bucketIndex: 3);
        var metadata = await Wire.ObjectMetadata.ReadAsync(context.Request.Body, cancellationToken);
        var record = store.UpdateMetadata(bucket, name, metadata.ContentType, metadata.Metadata, merge, Preconditions.From(context.Request.Query));
        return Results.Json(Wire.Object(record, context.Request));
    }

    private static IResult Delete(HttpContext context, EmulatorStore store)
    {
        var (bucket, name) = RawPath.Object(RawPath.Segments(context), bucketIndex: 3);
        store.Delete(bucket, name, Preconditions.From(context.Request.Query));
        return Results.NoContent();
    }

    /// <summary>
    /// <c>.../o/{source}/copyTo/b/{bucket}/o/{name}</c> and <c>.../rewriteTo/...</c>. Rewrites finish in one call here
    /// (done: true), which GCS allows; metadata in the body replaces the source's.
    /// </summary>
    private static async Task<IResult> CopyAsync(HttpContext context, EmulatorStore store, CancellationToken cancellationToken)
    {
        var segments = RawPath.Segments(context);
        if (segments.Length != 11 || segments[4] != "o" || segments[6] is not ("copyTo" or "rewriteTo") || segments[7] != "b" || segments[9] != "o")
        {
            throw new GcsException(404, "notFound", "Not Found");
        }
        var metadata = await Wire.ObjectMetadata.ReadAsync(context.Request.Body, cancellationToken);
        var query = context.Request.Query;
        var record = store.Copy(
            segments[3], segments[5], Preconditions.From(query, source: true),
            segments[8], segments[10], metadata.ContentType, metadata.NonNullMetadata(), Preconditions.From(query));
        var resource = Wire.Object(record, context.Request);
        return segments[6] == "copyTo"
            ? Results.Json(resource)
            : Results.Json(new JsonObject
            {
                ["kind"] = "storage#rewriteResponse",
                ["totalBytesRewritten"] = record.Size.ToString(),
                ["objectSize"] = record.Size.ToString(),
                ["done"] = true,
                ["resource"] = resource,
            });
    }
}
