using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
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

    /// <summary>Asserts an RFC 9457 problem (its media type, status and title) and returns it, so the test can check that it says why.</summary>
    public static async Task<TProblem> ReadProblemAsync<TProblem>(this HttpResponseMessage response, HttpStatusCode expected) where TProblem : ProblemDetails
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<TProblem>(Json))!;
        Assert.Equal((int)expected, problem.Status);
        Assert.False(string.IsNullOrWhiteSpace(problem.Title));
        return problem;
    }

    public static Task<ProblemDetails> ReadProblemAsync(this HttpResponseMessage response, HttpStatusCode expected) =>
        response.ReadProblemAsync<ProblemDetails>(expected);

    /// <summary>A 400 ValidationProblem; returns the messages for <paramref name="field"/>, which must be there.</summary>
    public static async Task<string[]> ReadValidationErrorsAsync(this HttpResponseMessage response, string field)
    {
        var problem = await response.ReadProblemAsync<HttpValidationProblemDetails>(HttpStatusCode.BadRequest);
        return Assert.Contains(field, problem.Errors);
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

    public static Task<HttpResponseMessage> DeleteAliasAsync(this HttpClient client, string name, string alias, string ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/models/{name}/aliases/{alias}");
        request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        return client.SendAsync(request);
    }

    /// <summary>Sends lineage as raw UTF-8 JSON, exactly as written (a serializer would escape non-ASCII characters).</summary>
    public static Task<HttpResponseMessage> PutLineageAsync(this HttpClient client, string name, string reference, string json) =>
        client.PutAsync($"/api/models/{name}/versions/{reference}/lineage", new StringContent(json, Encoding.UTF8, "application/json"));

    /// <summary>Makes HttpClient send the body chunked, as a client streaming a file of unknown size would.</summary>
    private sealed class UnknownLengthStream(byte[] content) : MemoryStream(content, writable: false)
    {
        public override bool CanSeek => false;
    }
}
