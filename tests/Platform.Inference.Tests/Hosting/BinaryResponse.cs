using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;

namespace Platform.Inference.Tests.Hosting;

/// <summary>A response of the binary data extension, taken apart: the JSON header and each binary output's bytes.</summary>
public sealed class BinaryResponse
{
    public const string HeaderLength = "Inference-Header-Content-Length";

    private BinaryResponse(JsonNode header, Dictionary<string, byte[]> binaries)
    {
        Header = header;
        Binaries = binaries;
    }

    public JsonNode Header { get; }

    public IReadOnlyDictionary<string, byte[]> Binaries { get; }

    public float[] Floats(string output) => MemoryMarshal.Cast<byte, float>(Binaries[output]).ToArray();

    public static async Task<BinaryResponse> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, Encoding.UTF8.GetString(body));
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        var headerLength = int.Parse(response.Headers.GetValues(HeaderLength).Single());
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        var header = JsonNode.Parse(body.AsSpan(0, headerLength))!;
        var binaries = new Dictionary<string, byte[]>();
        var offset = headerLength;
        foreach (var output in header["outputs"]!.AsArray())
        {
            if (output!["parameters"]?["binary_data_size"] is { } size)
            {
                binaries[output["name"]!.GetValue<string>()] = body.AsSpan(offset, size.GetValue<int>()).ToArray();
                offset += size.GetValue<int>();
            }
        }
        Assert.Equal(body.Length, offset);
        return new BinaryResponse(header, binaries);
    }

    /// <summary>Posts JSON followed by binary data, with Inference-Header-Content-Length.</summary>
    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string model, string header, params byte[][] binaries)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var content = new ByteArrayContent([.. json, .. binaries.SelectMany(binary => binary)]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add(HeaderLength, json.Length.ToString());
        return client.PostAsync($"/v2/models/{model}/infer", content, TestContext.Current.CancellationToken);
    }

    public static byte[] Bytes<T>(params T[] values) where T : struct => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    /// <summary>BYTES elements as the extension lays them out: a 4-byte little-endian length before each.</summary>
    public static byte[] Strings(params byte[][] elements) =>
        elements.SelectMany(element => BitConverter.GetBytes((uint)element.Length).Concat(element)).ToArray();
}
