using Microsoft.AspNetCore.Http.Features;

namespace Platform.GcsEmulator.Apis;

/// <summary>
/// Object names travel percent-encoded in the path, '/' included (%2F). ASP.NET Core routing decodes some escapes and not
/// others, so the handlers read bucket and object names from the raw request target by position, segment by segment.
/// </summary>
public static class RawPath
{
    /// <summary>The decoded path segments of the request, e.g. ["storage", "v1", "b", "bucket", "o", "a/b.txt"].</summary>
    public static string[] Segments(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var query = target.IndexOf('?');
        var path = query < 0 ? target : target[..query];
        return path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
    }

    /// <summary>The object name: everything after the "o" segment that follows the bucket at <paramref name="bucketIndex"/>.</summary>
    public static (string Bucket, string Name) Object(string[] segments, int bucketIndex) =>
        segments.Length == bucketIndex + 3 && segments[bucketIndex + 1] == "o"
            ? (segments[bucketIndex], segments[bucketIndex + 2])
            : throw new Storage.GcsException(400, "invalid", "Object names in paths must be percent-encoded, '/' as %2F.");
}
