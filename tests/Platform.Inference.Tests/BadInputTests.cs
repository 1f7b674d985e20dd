using System.Net;
using System.Text;
using Platform.Inference.Tests.Hosting;

namespace Platform.Inference.Tests;

/// <summary>Every request the server will not run gets a 4xx with {"error": ...}, and the server keeps serving.</summary>
public sealed class BadInputTests(ProtocolFixture fixture) : IClassFixture<ProtocolFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private HttpClient Client => fixture.Client;

    private const string GoodRow = """{"name":"input","datatype":"FP32","shape":[1,4],"data":[1,2,3,4]}""";

    public static TheoryData<string, string, string> BadRequests() => new()
    {
        { "mlp", "{\"inputs\": [", "not valid JSON" },
        { "mlp", "", "not valid JSON" },
        { "mlp", "[1, 2]", "JSON object" },
        { "mlp", "{\"inputs\": []} trailing", "" },
        { "mlp", "{\"id\": 5, \"inputs\": [" + GoodRow + "]}", "\"id\"" },
        { "mlp", "{\"outputs\": []}", "no \"inputs\"" },
        { "mlp", "{\"inputs\": []}", "lacks input" },
        { "mlp", """{"inputs":[{"name":"other","datatype":"FP32","shape":[1,4],"data":[1,2,3,4]}]}""", "no input 'other'" },
        { "mlp", "{\"inputs\":[" + GoodRow + "," + GoodRow + "]}", "more than once" },
        { "mlp", """{"inputs":[{"name":"input","datatype":"INT64","shape":[1,4],"data":[1,2,3,4]}]}""", "is FP32 in the model" },
        { "mlp", """{"inputs":[{"name":"input","datatype":"FLOAT","shape":[1,4],"data":[1,2,3,4]}]}""", "not one of" },
        { "mlp", """{"inputs":[{"name":"input","shape":[1,4],"data":[1,2,3,4]}]}""", "no \"datatype\"" },
        { "mlp", """{"inputs":[{"name":"input","datatype":"FP32","data":[1,2,3,4]}]}""", "no \"shape\"" },
        { "mlp", """{"inputs":[{"name":"input","datatype":"FP32","shape":[1,4]}]}""", "neither \"data\"" },
        { "mlp", """{"inputs":[{"name":"input","datatype":"FP32","shape":[1,5],"data":[1,2,3,4,5]}]}""", "model takes [-1, 4]" },
        { "mlp", """{"inputs":[{"name":"input","datatype":"FP32","shape":[4],"data":[1,2,3,4]}]}""", "model takes" },
        { "mlp", """{"inputs":[{"name":"input","datatype":"FP32","shape":[1,-4],"data":[1,2,3,4]}]}""", "integers from 0" },
        { "mlp", """{"inputs":[{"name":"input","datatype":"FP32","shape":[1,4.5],"data":[1,2,3,4]}]}""", "integers from 0" },
        { "mlp", """{"inputs":[{"name":"input","datatype":"FP32","shape":[2,4],"data":[1,2,3,4]}]}""", "has 4 elements" },
        { "mlp", """{"inputs":[{"name":"input","datatype":"FP32","shape":[1,4],"data":[1,2,3,4,5]}]}""", "more elements" },
        { "mlp", """{"inputs":[{"name":"input","datatype":"FP32","shape":[2,4],"data":[[1,2,3,4],[5,6,7]]}]}""", "Dimension 1" },
        { "mlp", """{"inputs":[{"name":"input","datatype":"FP32","shape":[2,4],"data":[[1,2,3,4],5,6,7,8]}]}""", "not nested as its shape" },
        { "mlp", """{"inputs":[{"name":"input","datatype":"FP32","shape":[1,4],"data":[1,[2],3,4]}]}""", "mixes" },
        { "mlp", """{"inputs":[{"name":"input","datatype":"FP32","shape":[1,4],"data":[[[1,2,3,4]]]}]}""", "not nested as its shape" },
        { "mlp", """{"inputs":[{"name":"input","datatype":"FP32","shape":[1,4],"data":[1,2,"3",4]}]}""", "JSON number" },
        { "mlp", """{"inputs":[{"name":"input","datatype":"FP32","shape":[1,4],"data":[1,2,"NaN",4]}]}""", "binary data" },
        { "mlp", """{"inputs":[{"name":"input","datatype":"FP32","shape":[1,4],"data":[1,2,1e39,4]}]}""", "finite number in the range of FP32" },
        { "identity-fp64", """{"inputs":[{"name":"input","datatype":"FP64","shape":[1,1],"data":[1e400]}]}""", "finite number" },
        { "identity-fp16", """{"inputs":[{"name":"input","datatype":"FP16","shape":[1,1],"data":[70000]}]}""", "range of FP16" },
        { "mlp", """{"inputs":[{"name":"input","datatype":"FP32","shape":[1,4],"data":[1,2,null,4]}]}""", "JSON number" },
        { "mlp", """{"inputs":[{"name":"input","datatype":"FP32","shape":[1,4],"data":[1,2,{},4]}]}""", "mixes" },
        { "mlp", """{"inputs":[{"name":"input","datatype":"FP32","shape":[1,4],"data":"abcdefgh"}]}""", "must be an array" },
        { "identity-int8", """{"inputs":[{"name":"input","datatype":"INT8","shape":[1,1],"data":[128]}]}""", "from -128 to 127" },
        { "identity-uint8", """{"inputs":[{"name":"input","datatype":"UINT8","shape":[1,1],"data":[-1]}]}""", "from 0 to 255" },
        { "identity-int32", """{"inputs":[{"name":"input","datatype":"INT32","shape":[1,1],"data":[1.5]}]}""", "integer" },
        { "identity-int64", """{"inputs":[{"name":"input","datatype":"INT64","shape":[1,1],"data":[9223372036854775808]}]}""", "integer" },
        { "identity-uint64", """{"inputs":[{"name":"input","datatype":"UINT64","shape":[1,1],"data":[-1]}]}""", "integer" },
        { "identity-bool", """{"inputs":[{"name":"input","datatype":"BOOL","shape":[1,1],"data":[1]}]}""", "true or false" },
        { "identity-bytes", """{"inputs":[{"name":"input","datatype":"BYTES","shape":[1,1],"data":[1]}]}""", "a string" },
        { "mlp", "{\"inputs\":[" + GoodRow + "],\"outputs\":[{\"name\":\"nope\"}]}", "no output 'nope'" },
        { "mlp", "{\"inputs\":[" + GoodRow + "],\"outputs\":[{\"name\":\"output\"},{\"name\":\"output\"}]}", "more than once" },
        { "mlp", "{\"inputs\":[" + GoodRow + "],\"outputs\":[{\"parameters\":{}}]}", "no \"name\"" },
        { "mlp", "{\"inputs\":[" + GoodRow + "],\"parameters\":{\"binary_data_output\":\"yes\"}}", "binary_data_output" },
        { "mlp", "{\"inputs\":[" + GoodRow + "],\"parameters\":{\"nested\":{\"a\":1}}}", "string, a finite number or a boolean" },
        { "mlp", "{\"inputs\":[" + GoodRow + "],\"outputs\":[{\"name\":\"output\",\"parameters\":{\"binary_data\":1}}]}", "true or false" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_bad_request_gets_400_with_a_reason(string model, string body, string reason)
    {
        var message = await (await Client.InferAsync(model, body)).ReadErrorAsync(HttpStatusCode.BadRequest);
        Assert.Contains(reason, message);
        await ServerStillAnswers();
    }

    [Theory]
    [InlineData("[9223372036854775807, 9223372036854775807]", "64-bit")]
    [InlineData("[4294967296, 4294967296]", "64-bit")]
    [InlineData("[1000000000000, 4]", "4000000000000 elements")]
    [InlineData("[100000000, 4]", "only")]
    public async Task A_huge_declared_shape_gets_400_without_allocating_it(string shape, string reason)
    {
        var body = $$"""{"inputs":[{"name":"input","datatype":"FP32","shape":{{shape}},"data":[1,2,3,4]}]}""";
        var message = await (await Client.InferAsync("identity-fp32", body)).ReadErrorAsync(HttpStatusCode.BadRequest);
        Assert.Contains(reason, message);
    }

    [Fact]
    public async Task A_huge_declared_binary_size_gets_400_without_allocating_it()
    {
        var header = """{"inputs":[{"name":"input","datatype":"FP32","shape":[1,4],"parameters":{"binary_data_size":9000000000000}}]}""";
        var message = await (await PostBinaryAsync("mlp", header, new byte[16])).ReadErrorAsync();
        Assert.Contains("only 16 bytes follow", message);
    }

    [Fact]
    public async Task A_body_over_the_limit_gets_413()
    {
        var data = string.Join(",", Enumerable.Repeat("1.0", ProtocolFixture.MaxRequestBytes / 3));
        var body = $$"""{"inputs":[{"name":"input","datatype":"FP32","shape":[1,4],"data":[{{data}}]}]}""";
        var message = await (await Client.InferAsync("mlp", body)).ReadErrorAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("limit", message);
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_gets_413()
    {
        var data = string.Join(",", Enumerable.Repeat("1.0", ProtocolFixture.MaxRequestBytes / 3));
        var bytes = Encoding.UTF8.GetBytes($$"""{"inputs":[{"name":"input","datatype":"FP32","shape":[1,4],"data":[{{data}}]}]}""");
        var content = new StreamContent(new UnknownLengthStream(bytes));
        content.Headers.ContentType = new("application/json");
        var message = await (await Client.PostAsync("/v2/models/mlp/infer", content, Cancellation)).ReadErrorAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("limit", message);
    }

    [Fact]
    public async Task Deeply_nested_json_gets_400()
    {
        var body = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":" + new string('[', 500) + new string(']', 500) + "}]}";
        await (await Client.InferAsync("mlp", body)).ReadErrorAsync();
    }

    [Fact]
    public async Task An_unknown_model_gets_404()
    {
        await (await Client.InferAsync("no-such-model", "{\"inputs\":[" + GoodRow + "]}")).ReadErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Invalid_requests_count_as_failures_in_the_metrics()
    {
        await (await Client.InferAsync("house", "{\"inputs\": 5}")).ReadErrorAsync();
        var metrics = await Client.GetStringAsync("/metrics", Cancellation);
        Assert.Matches("nv_inference_request_failure\\{model=\"house\",reason=\"OTHER\",version=\"1\"\\} [1-9]", metrics);
    }

    private async Task ServerStillAnswers()
    {
        var response = await (await Client.InferAsync("mlp", "{\"inputs\":[" + GoodRow + "]}")).ReadJsonAsync();
        Assert.Equal("mlp", response["model_name"]!.GetValue<string>());
    }

    private Task<HttpResponseMessage> PostBinaryAsync(string model, string header, byte[] binary)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var content = new ByteArrayContent([.. json, .. binary]);
        content.Headers.ContentType = new("application/octet-stream");
        content.Headers.Add("Inference-Header-Content-Length", json.Length.ToString());
        return Client.PostAsync($"/v2/models/{model}/infer", content, Cancellation);
    }

    /// <summary>Makes HttpClient send the body chunked, with no Content-Length.</summary>
    private sealed class UnknownLengthStream(byte[] content) : MemoryStream(content, writable: false)
    {
        public override bool CanSeek => false;
    }
}
