using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Inference.Extensions;
using Platform.Inference.Tests.Hosting;
using static Platform.Inference.Tests.Hosting.BinaryResponse;
using static Platform.Inference.Tests.Hosting.OipClient;

namespace Platform.Inference.Tests;

/// <summary>Triton's binary tensor data extension: tensors as raw little-endian bytes after the JSON.</summary>
public sealed class BinaryDataTests(ProtocolFixture fixture) : IClassFixture<ProtocolFixture>
{
    private static readonly float[] TwoRows = [0.5f, -1f, 2f, 3f, 1f, 1f, 0f, -4f];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task A_binary_input_gives_the_same_answer_as_json()
    {
        var header = """{"inputs":[{"name":"input","datatype":"FP32","shape":[2,4],"parameters":{"binary_data_size":32}}]}""";
        var response = await (await PostAsync(Client, "mlp", header, Bytes(TwoRows))).ReadJsonAsync();
        Assert.Equal(DirectOnnx.Run(ProtocolFixture.Mlp, "input", TwoRows, [2, 4], "output"), Floats(Output(response, "output")));
    }

    [Fact]
    public async Task An_output_asked_for_as_binary_data_comes_after_the_json()
    {
        var request = Request(Input("input", "FP32", [2, 4], Array(TwoRows)));
        request["outputs"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
        {
            ["name"] = "output",
            ["parameters"] = new System.Text.Json.Nodes.JsonObject { ["binary_data"] = true },
        });
        var response = await ReadAsync(await Client.InferAsync("mlp", request));
        var output = Output(response.Header, "output");
        Assert.Null(output["data"]);
        Assert.Equal(24, output["parameters"]!["binary_data_size"]!.GetValue<int>());
        Assert.Equal(DirectOnnx.Run(ProtocolFixture.Mlp, "input", TwoRows, [2, 4], "output"), response.Floats("output"));
    }

    [Fact]
    public async Task Binary_data_output_applies_to_every_output_unless_one_says_otherwise()
    {
        var header = """
            {"parameters":{"binary_data_output":true},
             "inputs":[{"name":"a","datatype":"FP32","shape":[2,3],"parameters":{"binary_data_size":24}},
                       {"name":"b","datatype":"INT64","shape":[3],"data":[1,2,3]}],
             "outputs":[{"name":"sum"},{"name":"doubled","parameters":{"binary_data":false}}]}
            """;
        var response = await ReadAsync(await PostAsync(Client, "fixed", header, Bytes(0f, 0f, 0f, 1f, 1f, 1f)));
        Assert.Equal([1f, 2f, 3f, 2f, 3f, 4f], response.Floats("sum"));
        Assert.Equal([2f, 4f, 6f, 4f, 6f, 8f], Floats(Output(response.Header, "doubled")));
    }

    [Fact]
    public async Task Bytes_elements_keep_their_exact_bytes_in_binary_form()
    {
        byte[][] elements = [Encoding.UTF8.GetBytes("héllo"), [], [0xff, 0x00, 0xfe]];
        var binary = Strings(elements);
        var header = $$$"""{"parameters":{"binary_data_output":true},"inputs":[{"name":"input","datatype":"BYTES","shape":[3,1],"parameters":{"binary_data_size":{{{binary.Length}}}}}]}""";
        var response = await ReadAsync(await PostAsync(Client, "identity-bytes", header, binary));
        Assert.Equal(binary, response.Binaries["output"]);
    }

    [Fact]
    public async Task Kestrel_reads_and_writes_through_the_servers_large_blocks()
    {
        var factory = Assert.IsType<IoBlockPoolFactory>(fixture.Server.Services.GetRequiredService<IMemoryPoolFactory<byte>>());
        Assert.Equal(64 * 1024, factory.BlockBytes);
        await PostAsync(Client, "mlp", """{"inputs":[{"name":"input","datatype":"FP32","shape":[2,4],"parameters":{"binary_data_size":32}}]}""", Bytes(TwoRows));
        Assert.True(factory.BlocksAllocated > 0, "Kestrel did not take its buffers from the server's pool.");
    }

    [Fact]
    public async Task With_block_bytes_0_kestrel_keeps_its_own_pool_and_large_tensors_still_arrive_whole()
    {
        using var models = new ModelFolder();
        models.Add("identity", TestGraphs.Identity(Protocol.DataType.Fp32));
        models.Set("IoBlocks:BlockBytes", "0");
        await using var server = await InferenceServer.StartAsync(models.Settings);
        using var client = server.CreateClient();
        await InferenceServer.WaitUntilReadyAsync(client);
        Assert.IsNotType<IoBlockPoolFactory>(server.Services.GetService<IMemoryPoolFactory<byte>>());

        // 200 KB: about 50 of Kestrel's 4 KiB blocks, each read on its own.
        var floats = Enumerable.Range(0, 50_000).Select(i => i * 0.5f).ToArray();
        var header = $$$"""{"parameters":{"binary_data_output":true},"inputs":[{"name":"input","datatype":"FP32","shape":[1,50000],"parameters":{"binary_data_size":{{{floats.Length * 4}}}}}]}""";
        var response = await ReadAsync(await PostAsync(client, "identity", header, Bytes(floats)));
        Assert.Equal(floats, response.Floats("output"));
    }

    [Fact]
    public async Task Large_binary_outputs_arrive_whole_in_both_forms()
    {
        // Past the 64 KiB at which the response is sent in parts (within the fixture's 256 KiB request limit): 240 KB of floats, and 600 BYTES elements of 300 bytes.
        var floats = Enumerable.Range(0, 2 * 30_000).Select(i => i * 0.25f - 1000f).ToArray();
        var header = $$$"""{"parameters":{"binary_data_output":true},"inputs":[{"name":"input","datatype":"FP32","shape":[2,30000],"parameters":{"binary_data_size":{{{floats.Length * 4}}}}}]}""";
        var fixedSize = await ReadAsync(await PostAsync(Client, "identity-fp32", header, Bytes(floats)));
        Assert.Equal(floats, fixedSize.Floats("output"));

        var elements = Enumerable.Range(0, 600).Select(i => Enumerable.Range(0, 300).Select(j => (byte)(i + j)).ToArray()).ToArray();
        var strings = Strings(elements);
        header = $$$"""{"parameters":{"binary_data_output":true},"inputs":[{"name":"input","datatype":"BYTES","shape":[600,1],"parameters":{"binary_data_size":{{{strings.Length}}}}}]}""";
        var variableSize = await ReadAsync(await PostAsync(Client, "identity-bytes", header, strings));
        Assert.Equal(strings, variableSize.Binaries["output"]);
    }

    [Fact]
    public async Task NaN_and_infinity_travel_as_binary_data_and_come_back_as_strings_in_json()
    {
        var header = """{"inputs":[{"name":"input","datatype":"FP32","shape":[1,3],"parameters":{"binary_data_size":12}}]}""";
        var response = await (await PostAsync(Client, "identity-fp32", header, Bytes(float.NaN, float.PositiveInfinity, float.NegativeInfinity))).ReadJsonAsync();
        Assert.Equal(["NaN", "Infinity", "-Infinity"], Output(response, "output")["data"]!.AsArray().Select(value => value!.GetValue<string>()));
    }

    [Fact]
    public async Task A_raw_binary_body_is_the_only_input_and_every_output_comes_back_binary()
    {
        var content = new ByteArrayContent(Bytes(TwoRows));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add(HeaderLength, "0");
        var response = await ReadAsync(await Client.PostAsync("/v2/models/mlp/infer", content, Cancellation));
        Assert.Equal([2L, 3L], Output(response.Header, "output")["shape"]!.AsArray().Select(dimension => dimension!.GetValue<long>()));
        Assert.Equal(DirectOnnx.Run(ProtocolFixture.Mlp, "input", TwoRows, [2, 4], "output"), response.Floats("output"));
    }

    public static TheoryData<string, string, byte[], string> BadBinaryRequests() => new()
    {
        { "mlp", """{"inputs":[{"name":"input","datatype":"FP32","shape":[2,4],"parameters":{"binary_data_size":16}}]}""", new byte[16], "take 32" },
        { "mlp", """{"inputs":[{"name":"input","datatype":"FP32","shape":[1,4],"parameters":{"binary_data_size":16}}]}""", new byte[20], "4 bytes of binary data follow" },
        { "mlp", """{"inputs":[{"name":"input","datatype":"FP32","shape":[1,4],"parameters":{"binary_data_size":-16}}]}""", new byte[16], "non-negative" },
        { "mlp", """{"inputs":[{"name":"input","datatype":"FP32","shape":[1,4],"data":[1,2,3,4],"parameters":{"binary_data_size":16}}]}""", new byte[16], "both" },
        { "mlp", """{"inputs":[{"name":"input","datatype":"FP32","shape":[1,4],"data":[1,2,3,4]}]}""", new byte[4], "4 bytes of binary data follow" },
        { "identity-bytes", """{"inputs":[{"name":"input","datatype":"BYTES","shape":[1,1],"parameters":{"binary_data_size":6}}]}""", [9, 0, 0, 0, 1, 2], "declares 9 bytes" },
        { "identity-bytes", """{"inputs":[{"name":"input","datatype":"BYTES","shape":[1,2],"parameters":{"binary_data_size":8}}]}""", [1, 0, 0, 0, 65, 1, 0, 0], "ends inside the length" },
        { "identity-bytes", """{"inputs":[{"name":"input","datatype":"BYTES","shape":[1000,1000],"parameters":{"binary_data_size":8}}]}""", new byte[8], "cannot hold them" },
    };

    [Theory]
    [MemberData(nameof(BadBinaryRequests))]
    public async Task Binary_data_that_does_not_match_its_declaration_gets_400(string model, string header, byte[] binary, string reason)
    {
        var message = await (await PostAsync(Client, model, header, binary)).ReadErrorAsync();
        Assert.Contains(reason, message);
    }

    [Theory]
    [InlineData("abc", "non-negative integer")]
    [InlineData("-1", "non-negative integer")]
    [InlineData("100000", "but the body is")]
    public async Task A_bad_header_length_gets_400(string value, string reason)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"inputs\":[]}"));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add(HeaderLength, value);
        var message = await (await Client.PostAsync("/v2/models/mlp/infer", content, Cancellation)).ReadErrorAsync(HttpStatusCode.BadRequest);
        Assert.Contains(reason, message);
    }

    [Fact]
    public async Task A_raw_binary_body_that_is_not_whole_rows_gets_400()
    {
        var content = new ByteArrayContent(new byte[20]);
        content.Headers.Add(HeaderLength, "0");
        var message = await (await Client.PostAsync("/v2/models/mlp/infer", content, Cancellation)).ReadErrorAsync();
        Assert.Contains("whole number", message);
        var twoInputs = new ByteArrayContent(new byte[24]);
        twoInputs.Headers.Add(HeaderLength, "0");
        Assert.Contains("one input", await (await Client.PostAsync("/v2/models/fixed/infer", twoInputs, Cancellation)).ReadErrorAsync());
    }
}
