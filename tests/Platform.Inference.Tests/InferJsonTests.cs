using System.Net;
using System.Text.Json.Nodes;
using Platform.Inference.Protocol;
using Platform.Inference.Tests.Hosting;
using static Platform.Inference.Tests.Hosting.OipClient;

namespace Platform.Inference.Tests;

public sealed class InferJsonTests(ProtocolFixture fixture) : IClassFixture<ProtocolFixture>
{
    private static readonly float[] ThreeRows = [0.1f, 0.2f, 0.3f, 0.4f, 1f, -1f, 2f, -2f, 5f, 6f, 7f, 8f];

    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task A_flat_batch_gives_what_onnx_runtime_gives()
    {
        var response = await (await Client.InferAsync("mlp", Request(Input("input", "FP32", [3, 4], Array(ThreeRows))))).ReadJsonAsync();

        Assert.Equal("mlp", response["model_name"]!.GetValue<string>());
        Assert.Equal("7", response["model_version"]!.GetValue<string>());
        var output = Output(response, "output");
        Assert.Equal("FP32", output["datatype"]!.GetValue<string>());
        Assert.Equal([3L, 3L], output["shape"]!.AsArray().Select(dimension => dimension!.GetValue<long>()));
        Assert.Equal(DirectOnnx.Run(ProtocolFixture.Mlp, "input", ThreeRows, [3, 4], "output"), Floats(output));
    }

    [Fact]
    public async Task Nested_data_gives_the_same_answer_as_flat_data()
    {
        var nested = new JsonArray(Enumerable.Range(0, 3).Select(row => (JsonNode)Array(ThreeRows.Skip(row * 4).Take(4))).ToArray());
        var flat = await (await Client.InferAsync("mlp", Request(Input("input", "FP32", [3, 4], Array(ThreeRows))))).ReadJsonAsync();
        var fromNested = await (await Client.InferAsync("mlp", Request(Input("input", "FP32", [3, 4], nested)))).ReadJsonAsync();
        Assert.Equal(Floats(Output(flat, "output")), Floats(Output(fromNested, "output")));
    }

    [Fact]
    public async Task The_request_id_comes_back_and_parameters_are_accepted()
    {
        var request = Request(Input("input", "FP32", [1, 4], Array(ThreeRows.Take(4))));
        request["id"] = "request-42";
        request["parameters"] = new JsonObject { ["priority"] = 1, ["note"] = "x", ["trace"] = true };
        request["inputs"]![0]!["parameters"] = new JsonObject { ["anything"] = "ignored" };
        var response = await (await Client.InferAsync("mlp", request)).ReadJsonAsync();
        Assert.Equal("request-42", response["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Only_the_requested_outputs_come_back_in_the_order_asked()
    {
        var request = Request(
            Input("a", "FP32", [2, 3], Array(new[] { 1f, 2f, 3f, 4f, 5f, 6f })),
            Input("b", "INT64", [3], Array(new[] { 10L, 20L, 30L })));
        request["outputs"] = new JsonArray(new JsonObject { ["name"] = "doubled" });
        var response = await (await Client.InferAsync("fixed", request)).ReadJsonAsync();
        var output = response["outputs"]!.AsArray().Single()!;
        Assert.Equal("doubled", output["name"]!.GetValue<string>());
        Assert.Equal([22f, 44f, 66f, 28f, 50f, 72f], Floats(output));

        request["outputs"] = new JsonArray(new JsonObject { ["name"] = "doubled" }, new JsonObject { ["name"] = "sum" });
        var both = await (await Client.InferAsync("fixed", request)).ReadJsonAsync();
        Assert.Equal(["doubled", "sum"], both["outputs"]!.AsArray().Select(o => o!["name"]!.GetValue<string>()));
        Assert.Equal([11f, 22f, 33f, 14f, 25f, 36f], Floats(Output(both, "sum")));
    }

    [Fact]
    public async Task The_ml_net_house_price_model_predicts_near_its_training_formula()
    {
        var request = Request(
            Input("Size", "FP32", [1, 1], Array(new[] { 100f })),
            Input("Rooms", "FP32", [1, 1], Array(new[] { 3f })),
            Input("Price", "FP32", [1, 1], Array(new[] { 0f })));
        request["outputs"] = new JsonArray(new JsonObject { ["name"] = "Score.output" });
        var response = await (await Client.InferAsync("house", request)).ReadJsonAsync();
        var price = Floats(Output(response, "Score.output")).Single();
        Assert.InRange(price, 273 - 15, 273 + 15);
    }

    [Fact]
    public async Task The_ml_net_iris_model_names_the_species_as_a_string()
    {
        var request = Request(
            Input("Features", "FP32", [2, 4], Array(new[] { 5.0f, 3.4f, 1.5f, 0.25f, 6.6f, 3.0f, 5.6f, 2.0f })),
            Input("Label", "BYTES", [2, 1], Array(new[] { "", "" })));
        request["outputs"] = new JsonArray(new JsonObject { ["name"] = "PredictedLabel.output" });
        var response = await (await Client.InferAsync("iris", request)).ReadJsonAsync();
        var labels = Output(response, "PredictedLabel.output")["data"]!.AsArray().Select(label => label!.GetValue<string>());
        Assert.Equal(["setosa", "virginica"], labels);
    }

    public static TheoryData<string, string> Values() => new()
    {
        { "BOOL", "[true, false, true, false]" },
        { "UINT8", "[0, 1, 128, 255]" },
        { "UINT16", "[0, 1, 32768, 65535]" },
        { "UINT32", "[0, 1, 2147483648, 4294967295]" },
        { "UINT64", "[0, 1, 9223372036854775808, 18446744073709551615]" },
        { "INT8", "[-128, -1, 0, 127]" },
        { "INT16", "[-32768, -1, 0, 32767]" },
        { "INT32", "[-2147483648, -1, 0, 2147483647]" },
        { "INT64", "[-9223372036854775808, -1, 0, 9223372036854775807]" },
        { "FP16", "[-2.5, 0, 0.5, 65504]" },
        { "BF16", "[-2.5, 0, 1.5, 256]" },
        { "FP32", "[-1.5, 0, 3.25, 1E+30]" },
        { "FP64", "[-1.5, 0, 3.25, 1E+300]" },
        { "BYTES", "[\"a\", \"\", \"h\\u00E9llo\", \"\\u65E5\\u672C\"]" },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public async Task Every_datatype_round_trips_through_json(string type, string data)
    {
        var sent = JsonNode.Parse(data)!;
        var model = ProtocolFixture.IdentityModel(DataType.All.Single(known => known.Name == type));
        var response = await (await Client.InferAsync(model, Request(Input("input", type, [2, 2], sent)))).ReadJsonAsync();
        var output = Output(response, "output");
        Assert.Equal(type, output["datatype"]!.GetValue<string>());
        Assert.Equal([2L, 2L], output["shape"]!.AsArray().Select(dimension => dimension!.GetValue<long>()));
        Assert.Equal(Normalized(sent), Normalized(output["data"]!));
    }

    /// <summary>Numbers compared by value (1E+30 and 1e30 are the same number), everything else as written.</summary>
    private static List<string> Normalized(JsonNode array) => array.AsArray()
        .Select(value => value!.GetValueKind() == System.Text.Json.JsonValueKind.Number
            ? decimal.TryParse(value.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number)
                ? number.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : double.Parse(value.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture).ToString("R", System.Globalization.CultureInfo.InvariantCulture)
            : value.ToJsonString())
        .ToList();

    [Fact]
    public async Task An_empty_batch_runs_and_gives_an_empty_output()
    {
        var response = await (await Client.InferAsync("mlp", Request(Input("input", "FP32", [0, 4], new JsonArray())))).ReadJsonAsync();
        var output = Output(response, "output");
        Assert.Equal([0L, 3L], output["shape"]!.AsArray().Select(dimension => dimension!.GetValue<long>()));
        Assert.Empty(output["data"]!.AsArray());
    }

    [Fact]
    public async Task An_index_the_model_itself_finds_out_of_range_gets_400()
    {
        var good = await (await Client.InferAsync("lookup", Request(Input("indices", "INT64", [2], Array(new[] { 3L, 0L }))))).ReadJsonAsync();
        Assert.Equal([40f, 10f], Floats(Output(good, "output")));
        await (await Client.InferAsync("lookup", Request(Input("indices", "INT64", [1], Array(new[] { 7L }))))).ReadErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Inference_through_the_versions_path_runs_that_version()
    {
        var response = await (await Client.InferAsync("mlp", Request(Input("input", "FP32", [1, 4], Array(ThreeRows.Take(4)))).ToJsonString(), version: "7")).ReadJsonAsync();
        Assert.Equal("7", response["model_version"]!.GetValue<string>());
        await (await Client.InferAsync("mlp", "{}", version: "3")).ReadErrorAsync(HttpStatusCode.NotFound);
    }
}
