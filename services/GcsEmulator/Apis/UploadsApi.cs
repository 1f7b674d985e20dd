using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Platform.GcsEmulator.Storage;

namespace Platform.GcsEmulator.Apis;

/// <summary>
/// Object inserts (https://cloud.google.com/storage/docs/uploads-downloads): uploadType=media (the body is the content),
/// multipart (multipart/related: JSON metadata, then the content) and resumable (a session, then chunks with Content-Range,
/// answered 308 with the persisted Range until the last one).
/// </summary>
public static partial class UploadsApi
{
    public static IEndpointRouteBuilder MapUploadsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/upload/storage/v1/b/{bucket}/o", InsertAsync);
        app.MapPut("/upload/storage/v1/b/{bucket}/o", ResumeAsync);
        app.MapDelete("/upload/storage/v1/b/{bucket}/o", Cancel);
        return app;
    }

    private static async Task<IResult> InsertAsync(string bucket, HttpContext context, EmulatorStore store, ResumableUploads uploads, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var preconditions = Preconditions.From(request.Query);
        switch (request.Query["uploadType"].ToString())
        {
            case "media":
            {
                var name = request.Query["name"].ToString();
                var record = await store.WriteAsync(bucket, name, request.Body, request.ContentType, null, preconditions, cancellationToken);
                return Results.Json(Wire.Object(record, request));
            }
            case "multipart":
                return await InsertMultipartAsync(bucket, context, store, preconditions, cancellationToken);
            case "resumable":
            {
                store.GetBucket(bucket);
                var metadata = await Wire.ObjectMetadata.ReadAsync(request.Body, cancellationToken);
                var name = metadata.Name ?? request.Query["name"].ToString();
                if (string.IsNullOrEmpty(name))
                {
                    throw GcsException.Invalid("Required parameter: name");
                }
                var contentType = metadata.ContentType ?? request.Headers["X-Upload-Content-Type"].ToString();
                var id = uploads.Start(new ResumableUploads.Session(bucket, name, string.IsNullOrEmpty(contentType) ? null : contentType, metadata.NonNullMetadata(), preconditions));
                context.Response.Headers.Location = $"{Wire.BaseUrl(request)}/upload/storage/v1/b/{Wire.Escape(bucket)}/o?uploadType=resumable&upload_id={id}";
                return Results.Ok();
            }
            default:
                throw GcsException.Invalid($"Unsupported uploadType '{request.Query["uploadType"]}': use media, multipart or resumable.");
        }
    }

    private static async Task<IResult> InsertMultipartAsync(string bucket, HttpContext context, EmulatorStore store, Preconditions preconditions, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(request.ContentType).Boundary).Value
            ?? throw GcsException.Invalid("A multipart upload needs a multipart/related body with a boundary.");
        var reader = new MultipartReader(boundary, request.Body);
        var metadataSection = await reader.ReadNextSectionAsync(cancellationToken) ?? throw GcsException.Invalid("The multipart body has no metadata part.");
        var metadata = await Wire.ObjectMetadata.ReadAsync(metadataSection.Body, cancellationToken);
        var media = await reader.ReadNextSectionAsync(cancellationToken) ?? throw GcsException.Invalid("The multipart body has no media part.");
        var name = metadata.Name ?? request.Query["name"].ToString();
        var record = await store.WriteAsync(bucket, name, media.Body, metadata.ContentType ?? media.ContentType, metadata.NonNullMetadata(), preconditions, cancellationToken);
        return Results.Json(Wire.Object(record, request));
    }

    /// <summary>A chunk (<c>Content-Range: bytes a-b/total</c> or <c>bytes a-b/*</c>) or a status query (<c>bytes */total</c>).</summary>
    private static async Task<IResult> ResumeAsync(HttpContext context, EmulatorStore store, ResumableUploads uploads, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var id = request.Query["upload_id"].ToString();
        if (uploads.Get(id) is not { } session)
        {
            return Results.Json(Wire.Object(uploads.Result(id), request));
        }
        var range = ContentRange.Parse(request.Headers.ContentRange.ToString());
        var received = range.First is { } first
            ? await uploads.AppendAsync(id, first, request.Body, cancellationToken)
            : range.IsAbsent ? await uploads.AppendAsync(id, 0, request.Body, cancellationToken) : uploads.Received(id);
        var total = range.IsAbsent ? received : range.Total;

        if (total is null || received < total)
        {
            if (received > 0)
            {
                context.Response.Headers["Range"] = $"bytes=0-{received - 1}";
            }
            return Results.StatusCode(308);
        }
        if (received > total)
        {
            throw GcsException.Invalid($"Received {received} bytes for an upload declared as {total} bytes.");
        }

        var written = await HashingFileWriter.HashAsync(uploads.DataPath(id), cancellationToken);
        ObjectRecord record;
        try
        {
            record = store.Commit(session.Bucket, session.Name, uploads.DataPath(id), written, session.ContentType, session.Metadata, session.Preconditions);
        }
        catch (GcsException)
        {
            // A failed precondition or a vanished bucket ends the session, as in GCS.
            uploads.End(id);
            throw;
        }
        uploads.Finish(id, record);
        return Results.Json(Wire.Object(record, request));
    }

    private static IResult Cancel(HttpRequest request, ResumableUploads uploads)
    {
        var id = request.Query["upload_id"].ToString();
        if (uploads.Get(id) is not null)
        {
            uploads.End(id);
        }
        return Results.StatusCode(499);
    }

    private readonly record struct ContentRange(bool IsAbsent, long? First, long? Total)
    {
        public static ContentRange Parse(string header)
        {
            if (string.IsNullOrWhiteSpace(header))
            {
                return new ContentRange(true, null, null);
            }
            var match = ContentRangePattern().Match(header);
            if (!match.Success)
            {
                throw GcsException.Invalid($"Invalid Content-Range header: '{header}'.");
            }
            long? total = match.Groups["total"].Value == "*" ? null : long.Parse(match.Groups["total"].Value);
            long? first = match.Groups["first"].Success ? long.Parse(match.Groups["first"].Value) : null;
            return new ContentRange(false, first, total);
        }
    }

    [GeneratedRegex(@"^bytes (?:(?<first>\d+)-(?<last>\d+)|\*)/(?<total>\d+|\*)$")]
    private static partial Regex ContentRangePattern();
}
