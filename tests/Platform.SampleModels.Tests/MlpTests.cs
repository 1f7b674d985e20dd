using Microsoft.ML.OnnxRuntime;

namespace Platform.SampleModels.Tests;

public sealed class MlpTests
{
    [Fact]
    public void Mlp_declares_a_dynamic_batch_and_the_requested_widths()
    {
        using var session = Onnx.Open(SampleModels.Mlp(8, [16, 12], 3));

        Assert.Equal(["input"], session.InputNames);
        Assert.Equal(["output"], session.OutputNames);
        Assert.Equal([-1, 8], session.InputMetadata["input"].Dimensions);
        Assert.Equal("batch", session.InputMetadata["input"].SymbolicDimensions[0]);
        Assert.Equal([-1, 3], session.OutputMetadata["output"].Dimensions);
        Assert.Equal(typeof(float), session.InputMetadata["input"].ElementType);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(64)]
    public void Mlp_gives_one_probability_distribution_per_row(int batch)
    {
        using var session = Onnx.Open(SampleModels.Mlp(8, [16, 12], 3));
        var random = new Random(3);
        var input = Enumerable.Range(0, batch * 8).Select(_ => random.NextSingle() * 4 - 2).ToArray();

        var outputs = Onnx.Run(session, new Dictionary<string, OrtValue> { ["input"] = Onnx.Floats(input, batch, 8) });

        using var output = outputs["output"];
        Assert.Equal([batch, 3], output.GetTensorTypeAndShape().Shape);
        var probabilities = output.GetTensorDataAsSpan<float>().ToArray();
        foreach (var row in probabilities.Chunk(3))
        {
            Assert.All(row, p => Assert.InRange(p, 0f, 1f));
            Assert.Equal(1.0, row.Sum(), precision: 5);
        }
    }

    [Fact]
    public void Different_inputs_give_different_outputs()
    {
        using var session = Onnx.Open(SampleModels.Mlp(8, [16], 4));
        float[] first = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];

        var outputs = Onnx.Run(session, new Dictionary<string, OrtValue> { ["input"] = Onnx.Floats(first, 2, 8) });

        var rows = outputs["output"].GetTensorDataAsSpan<float>().ToArray().Chunk(4).ToArray();
        Assert.NotEqual(rows[0], rows[1]);
    }

    [Fact]
    public void The_same_seed_gives_the_same_bytes_and_another_seed_other_weights()
    {
        Assert.Equal(SampleModels.Mlp(8, [16], 3, seed: 5), SampleModels.Mlp(8, [16], 3, seed: 5));
        Assert.NotEqual(SampleModels.Mlp(8, [16], 3, seed: 5), SampleModels.Mlp(8, [16], 3, seed: 6));
    }

    [Fact]
    public void Mlp_512_512_10_is_about_one_mebibyte()
    {
        var model = SampleModels.Mlp(512, [512], 10);

        Assert.InRange(model.Length, 1_000_000, 1_150_000);
        using var session = Onnx.Open(model);
        Assert.Equal([-1, 10], session.OutputMetadata["output"].Dimensions);
    }

    [Fact]
    public void Mlp_refuses_empty_layers()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SampleModels.Mlp(0, [4], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => SampleModels.Mlp(4, [4, 0], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => SampleModels.Mlp(4, [4], 0));
    }
}
