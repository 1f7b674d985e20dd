using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Registry.Apis;

namespace Platform.Registry.Tests.Hosting;

/// <summary>The calls the tests make, spelled once.</summary>
public static class RegistryHttp
{
    public static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    public static string NewModelName() => "m-" + Guid.NewGuid().ToString("n")[..12];

    public static async Task<ModelResponse> CreateModelAsync(this HttpClient client, string name, IReadOnlyList<string>? tags = null,
        ReplicationPolicyRequest? replication = null)
    {
        using var response = await client.PostAsJsonAsync("/api/models", new CreateModelRequest(name, "a test model", tags, replication), Json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ModelResponse>(Json))!;
    }

    public static Task<HttpResponseMessage> UploadAsync(this HttpClient client, string name, byte[] artifact,
        string contentType = "application/octet-stream", string? lineage = null, bool chunked = false)
    {
        HttpContent content = chunked ? new StreamContent(new UnknownLengthStream(artifact)) : new ByteArrayContent(artifact);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/models/{name}/versions") { Content = content };
        if (lineage is not null)
        {
            request.Headers.Add(VersionsApi.LineageHeader, lineage);
        }
        return client.SendAsync(request);
    }

    public static async Task<VersionResponse> RegisterAsync(this HttpClient client, string name, byte[]? artifact = null)
    {
        using var response = await client.UploadAsync(name, artifact ?? TestModels.HousePrice);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<VersionResponse>(Json))!;
    }

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<T>(Json))!;
    }

    public static async Task<HttpResponseMessage> SetAliasAsync(this HttpClient client, string name, string alias, int version,
        string? ifMatch = null, bool ifNoneMatch = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/models/{name}/aliases/{alias}")
        {
            Content = JsonContent.Create(new SetAliasRequest(version), options: Json),
        };
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        }
        if (ifNoneMatch)
        {
            request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any);
        }
        return await client.SendAsync(request);
    }

    /// <summary>Makes HttpClient send the body chunked, as a client streaming a file of unknown size would.</summary>
    private sealed class UnknownLengthStream(byte[] content) : MemoryStream(content, writable: false)
    {
        public override bool CanSeek => false;
    }
}
