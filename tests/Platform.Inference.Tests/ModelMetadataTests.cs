using System.Net;
using Platform.Inference.Protocol;
using Platform.Inference.Tests.Hosting;

namespace Platform.Inference.Tests;

public sealed class ModelMetadataTests(ProtocolFixture fixture) : IClassFixture<ProtocolFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Metadata_lists_platform_version_inputs_and_outputs_with_free_dimensions_as_minus_one()
    {
        var metadata = await (await Client.GetAsync("/v2/models/mlp", Cancellation)).ReadJsonAsync();
        Assert.Equal("mlp", metadata["name"]!.GetValue<string>());
        Assert.Equal("onnx_onnxv1", metadata["platform"]!.GetValue<string>());
        Assert.Equal(["7"], metadata["versions"]!.AsArray().Select(version => version!.GetValue<string>()));
        var input = metadata["inputs"]!.AsArray().Single()!;
        Assert.Equal("input", input["name"]!.GetValue<string>());
        Assert.Equal("FP32", input["datatype"]!.GetValue<string>());
        Assert.Equal([-1L, 4L], input["shape"]!.AsArray().Select(dimension => dimension!.GetValue<long>()));
        var output = metadata["outputs"]!.AsArray().Single()!;
        Assert.Equal("output", output["name"]!.GetValue<string>());
        Assert.Equal([-1L, 3L], output["shape"]!.AsArray().Select(dimension => dimension!.GetValue<long>()));
    }

    [Fact]
    public async Task Metadata_of_the_serving_version_is_the_same_through_the_versions_path()
    {
        var plain = await (await Client.GetAsync("/v2/models/fixed", Cancellation)).ReadJsonAsync();
        var versioned = await (await Client.GetAsync("/v2/models/fixed/versions/1", Cancellation)).ReadJsonAsync();
        Assert.Equal(plain.ToJsonString(), versioned.ToJsonString());
        Assert.Equal([2L, 3L], plain["inputs"]![0]!["shape"]!.AsArray().Select(dimension => dimension!.GetValue<long>()));
        Assert.Equal("INT64", plain["inputs"]![1]!["datatype"]!.GetValue<string>());
        Assert.Equal(["sum", "doubled"], plain["outputs"]!.AsArray().Select(output => output!["name"]!.GetValue<string>()));
    }

    [Theory]
    [MemberData(nameof(DataTypes))]
    public async Task Metadata_reports_each_datatype_by_its_protocol_name(string type)
    {
        var metadata = await (await Client.GetAsync($"/v2/models/identity-{type.ToLowerInvariant()}", Cancellation)).ReadJsonAsync();
        Assert.Equal(type, metadata["inputs"]![0]!["datatype"]!.GetValue<string>());
        Assert.Equal(type, metadata["outputs"]![0]!["datatype"]!.GetValue<string>());
    }

    public static TheoryData<string> DataTypes() => new(DataType.All.Select(type => type.Name));

    [Fact]
    public async Task The_ml_net_export_shows_its_string_label_and_prediction()
    {
        var metadata = await (await Client.GetAsync("/v2/models/iris", Cancellation)).ReadJsonAsync();
        var inputs = metadata["inputs"]!.AsArray().ToDictionary(input => input!["name"]!.GetValue<string>(), input => input!["datatype"]!.GetValue<string>());
        Assert.Equal("FP32", inputs["Features"]);
        Assert.Equal("BYTES", inputs["Label"]);
        Assert.Contains(metadata["outputs"]!.AsArray(), output => output!["name"]!.GetValue<string>() == "PredictedLabel.output" && output["datatype"]!.GetValue<string>() == "BYTES");
    }

    [Fact]
    public async Task An_unknown_model_gets_404()
    {
        await (await Client.GetAsync("/v2/models/no-such-model", Cancellation)).ReadErrorAsync(HttpStatusCode.NotFound);
        await (await Client.GetAsync("/v2/models/no-such-model/ready", Cancellation)).ReadErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_version_that_does_not_serve_gets_404()
    {
        var message = await (await Client.GetAsync("/v2/models/mlp/versions/6", Cancellation)).ReadErrorAsync(HttpStatusCode.NotFound);
        Assert.Contains("7", message);
    }

    [Fact]
    public async Task Model_ready_answers_for_the_model_and_its_serving_version()
    {
        var ready = await (await Client.GetAsync("/v2/models/mlp/ready", Cancellation)).ReadJsonAsync();
        Assert.Equal("mlp", ready["name"]!.GetValue<string>());
        Assert.True(ready["ready"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/v2/models/mlp/versions/7/ready", Cancellation)).StatusCode);
        var other = await (await Client.GetAsync("/v2/models/mlp/versions/8/ready", Cancellation)).ReadJsonAsync(HttpStatusCode.ServiceUnavailable);
        Assert.False(other["ready"]!.GetValue<bool>());
    }
}
