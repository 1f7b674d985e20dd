using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Platform.Inference.Tests.Hosting;

/// <summary>The protocol calls the tests make, spelled once.</summary>
public static class OipClient
{
    public static Task<HttpResponseMessage> InferAsync(this HttpClient client, string model, string json, string? version = null) =>
        client.PostAsync(version is null ? $"/v2/models/{model}/infer" : $"/v2/models/{model}/versions/{version}/infer",
            new StringContent(json, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

    public static Task<HttpResponseMessage> InferAsync(this HttpClient client, string model, JsonNode request) =>
        client.InferAsync(model, request.ToJsonString());

    public static async Task<JsonNode> ReadJsonAsync(this HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(expected == response.StatusCode, $"Expected {expected}, got {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    /// <summary>Asserts an OIP error: the status and a body of exactly <c>{"error": "..."}</c>; returns the message.</summary>
    public static async Task<string> ReadErrorAsync(this HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.BadRequest)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(expected == response.StatusCode, $"Expected {expected}, got {(int)response.StatusCode}: {body}");
        var error = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(["error"], error.Select(property => property.Key));
        var message = error["error"]!.GetValue<string>();
        Assert.False(string.IsNullOrWhiteSpace(message));
        return message;
    }

    public static JsonObject Input(string name, string datatype, long[] shape, JsonNode data) => new()
    {
        ["name"] = name,
        ["datatype"] = datatype,
        ["shape"] = new JsonArray(shape.Select(dimension => (JsonNode)dimension).ToArray()),
        ["data"] = data,
    };

    public static JsonObject Request(params JsonObject[] inputs) => new() { ["inputs"] = new JsonArray(inputs) };

    public static JsonArray Array<T>(IEnumerable<T> values) => new(values.Select(value => JsonValue.Create(value)).ToArray<JsonNode?>());

    public static float[] Floats(JsonNode output) => output["data"]!.AsArray().Select(value => value!.GetValue<float>()).ToArray();

    public static JsonNode Output(JsonNode response, string name) =>
        response["outputs"]!.AsArray().Single(output => output!["name"]!.GetValue<string>() == name)!;

    /// <summary>One model's sample of a metric in <c>/metrics</c> text (version 1 unless named).</summary>
    public static long Counter(string metrics, string name, string model, string version = "1") =>
        long.Parse(Regex.Match(metrics, $"^{name}\\{{model=\"{model}\",version=\"{version}\"\\}} (\\d+)$", RegexOptions.Multiline).Groups[1].Value);

    public static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object body) => client.PostAsJsonAsync(path, body, Json, TestContext.Current.CancellationToken);
}
