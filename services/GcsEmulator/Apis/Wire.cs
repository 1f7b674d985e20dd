using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.GcsEmulator.Storage;

namespace Platform.GcsEmulator.Apis;

/// <summary>The JSON shapes of the GCS JSON API: resources (int64 values as strings, as GCS sends them) and errors.</summary>
public static class Wire
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static JsonObject Bucket(BucketRecord bucket, HttpRequest request) => new()
    {
        ["kind"] = "storage#bucket",
        ["id"] = bucket.Name,
        ["name"] = bucket.Name,
        ["selfLink"] = $"{BaseUrl(request)}/storage/v1/b/{Escape(bucket.Name)}",
        ["projectNumber"] = "0",
        ["metageneration"] = bucket.Metageneration.ToString(),
        ["location"] = "US",
        ["storageClass"] = "STANDARD",
        ["etag"] = "CAE=",
        ["timeCreated"] = bucket.TimeCreated.Rfc3339(),
        ["updated"] = bucket.TimeCreated.Rfc3339(),
    };

    public static JsonObject Object(ObjectRecord record, HttpRequest request)
    {
        var path = $"b/{Escape(record.Bucket)}/o/{Escape(record.Name)}";
        var resource = new JsonObject
        {
            ["kind"] = "storage#object",
            ["id"] = $"{record.Bucket}/{record.Name}/{record.Generation}",
            ["selfLink"] = $"{BaseUrl(request)}/storage/v1/{path}",
            ["mediaLink"] = $"{BaseUrl(request)}/download/storage/v1/{path}?generation={record.Generation}&alt=media",
            ["name"] = record.Name,
            ["bucket"] = record.Bucket,
            ["generation"] = record.Generation.ToString(),
            ["metageneration"] = record.Metageneration.ToString(),
            ["contentType"] = record.ContentType,
            ["storageClass"] = "STANDARD",
            ["size"] = record.Size.ToString(),
            ["md5Hash"] = record.Md5Hash,
            ["crc32c"] = record.Crc32C,
            ["etag"] = ETag(record),
            ["timeCreated"] = record.TimeCreated.Rfc3339(),
            ["updated"] = record.Updated.Rfc3339(),
            ["timeStorageClassUpdated"] = record.TimeCreated.Rfc3339(),
        };
        if (record.Metadata is { Count: > 0 } metadata)
        {
            resource["metadata"] = JsonSerializer.SerializeToNode(metadata, Json);
        }
        return resource;
    }

    public static string ETag(ObjectRecord record) => Convert.ToBase64String(BitConverter.GetBytes(record.Generation ^ (record.Metageneration << 56)));

    public static IResult Error(GcsException exception) => Results.Json(new
    {
        error = new
        {
            code = exception.Status,
            message = exception.Message,
            errors = new[] { new { message = exception.Message, domain = "global", reason = exception.Reason } },
        },
    }, statusCode: exception.Status);

    /// <summary>GCS's timestamp format (RFC 3339, UTC, milliseconds), the one Google's client libraries parse.</summary>
    private static string Rfc3339(this DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}";

    public static string Escape(string value) => Uri.EscapeDataString(value);

    /// <summary>Metadata sent by a client: the writable fields of an object resource.</summary>
    public sealed record ObjectMetadata(string? Name, string? ContentType, Dictionary<string, string?>? Metadata)
    {
        public static async Task<ObjectMetadata> ReadAsync(Stream body, CancellationToken cancellationToken)
        {
            using var reader = new StreamReader(body);
            var text = await reader.ReadToEndAsync(cancellationToken);
            if (string.IsNullOrWhiteSpace(text))
            {
                return new ObjectMetadata(null, null, null);
            }
            try
            {
                return JsonSerializer.Deserialize<ObjectMetadata>(text, Json) ?? new ObjectMetadata(null, null, null);
            }
            catch (JsonException exception)
            {
                throw GcsException.Invalid($"Invalid JSON payload: {exception.Message}");
            }
        }

        public Dictionary<string, string>? NonNullMetadata() =>
            Metadata?.Where(entry => entry.Value is not null).ToDictionary(entry => entry.Key, entry => entry.Value!);
    }
}
