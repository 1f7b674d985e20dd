using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Platform.Inference.Runtime;

namespace Platform.Inference.Models;

/// <summary>The <c>Registry</c> section: where the registry is and the (read-only) key to call it with.</summary>
public sealed class RegistryClientOptions
{
    public const string SectionName = "Registry";

    public Uri? Url { get; set; }

    public string? ApiKey { get; set; }
}

/// <summary>A version as the registry resolves it (GET /api/resolve/{reference}).</summary>
public sealed record RegisteredVersion(
    string Model, int Version, string Status, string Store, string Key, long? Size, string? Sha256, IReadOnlyList<RegisteredReplica> Replicas);

/// <summary>A verified copy of a version's artifact in one store.</summary>
public sealed record RegisteredReplica(string Store, string? Cloud, string Key, string Sha256, long Size);

/// <summary>Resolves references through the registry's HTTP API, and streams artifacts from it as the last way to get one.</summary>
public sealed class RegistryClient(HttpClient http, IOptions<RegistryClientOptions> options)
{
    public bool Configured => options.Value.Url is not null;

    public async Task<RegisteredVersion> ResolveAsync(ModelReference reference, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"api/resolve/{reference}", cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new ModelLoadException($"The registry could not resolve '{reference}': {await DescribeAsync(response, cancellationToken)}");
        }
        var version = await response.Content.ReadFromJsonAsync<RegisteredVersion>(JsonSerializerOptions.Web, cancellationToken)
            ?? throw new ModelLoadException($"The registry answered an empty body for '{reference}'.");
        if (version.Status != "READY" || version.Sha256 is null)
        {
            throw new ModelLoadException($"Version {version.Version} of '{version.Model}' is {version.Status}; only READY versions can be served.");
        }
        return version;
    }

    /// <summary>The artifact as the registry streams it from its nearest replica; the caller disposes the response.</summary>
    public async Task<HttpResponseMessage> DownloadAsync(RegisteredVersion version, CancellationToken cancellationToken)
    {
        var response = await http.GetAsync($"api/models/{version.Model}/versions/{version.Version}/artifact", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var problem = await DescribeAsync(response, cancellationToken);
            response.Dispose();
            throw new ModelLoadException($"The registry could not serve the artifact of '{version.Model}' version {version.Version}: {problem}");
        }
        return response;
    }

    private static async Task<string> DescribeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return $"{status} (check Registry:ApiKey)";
        }
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            return problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("detail", out var detail) ? $"{status}: {detail}" : status;
        }
        catch (JsonException)
        {
            return status;
        }
    }
}
