using Platform.GcsEmulator.Apis;
using Platform.GcsEmulator.Storage;

namespace Platform.GcsEmulator;

/// <summary>
/// An emulator of the Google Cloud Storage JSON API (https://cloud.google.com/storage/docs/json_api/v1), enough for
/// Google.Cloud.Storage.V1 to run unchanged against it: buckets; simple, multipart and resumable uploads; metadata and
/// ranged media reads; listing with prefix, delimiter and paging; delete; copy and rewrite; generation preconditions;
/// md5Hash and crc32c; GCS-shaped errors. Objects persist on disk under the data folder.
/// </summary>
public static class GcsEmulatorApp
{
    /// <summary>Builds the emulator. The data folder comes from <paramref name="dataPath"/>, <c>--data</c>, or
    /// <c>GcsEmulator:DataPath</c>, in that order, else <c>./gcs-data</c>.</summary>
    public static WebApplication Build(string[] args, string? dataPath = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.AddServiceDefaults();
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string> { ["--data"] = "GcsEmulator:DataPath" });
        var root = Path.GetFullPath(dataPath ?? builder.Configuration["GcsEmulator:DataPath"] ?? "gcs-data");
        builder.Services.AddSingleton(provider => new EmulatorStore(root, provider.GetRequiredService<ILogger<EmulatorStore>>()));
        builder.Services.AddSingleton<ResumableUploads>(provider => new ResumableUploads(Path.Combine(root, "uploads")));
        // Google's client libraries gzip JSON request bodies (Content-Encoding: gzip).
        builder.Services.AddRequestDecompression();
        // Uploads stream; there is no body size limit in GCS short of 5 TiB.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);

        var app = builder.Build();
        app.UseGcsErrors();
        app.UseRequestDecompression();
        app.MapDefaultEndpoints();
        app.MapBucketsApi();
        app.MapObjectsApi();
        app.MapUploadsApi();
        // Anything else answers as GCS answers an unknown path: a 404 in its error shape.
        app.MapFallback("{**path}", () => Wire.Error(new GcsException(404, "notFound", "Not Found")));
        return app;
    }
}
