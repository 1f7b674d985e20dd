using Microsoft.ML.OnnxRuntime;

namespace Platform.SampleModels.Tests;

public sealed class TrainedModelTests
{
    [Fact]
    public void HousePrice_takes_size_and_rooms()
    {
        using var session = Onnx.Open(SampleModels.HousePrice());

        Assert.Contains("Size", session.InputNames);
        Assert.Contains("Rooms", session.InputNames);
        Assert.Equal([-1, 1], session.InputMetadata["Size"].Dimensions);
        Assert.Contains("Score.output", session.OutputNames);
    }

    [Fact]
    public void HousePrice_predicts_roughly_the_formula_it_was_trained_on()
    {
        using var session = Onnx.Open(SampleModels.HousePrice());
        float[] sizes = [20, 80, 150, 190];
        float[] rooms = [2, 5, 1, 3];

        var outputs = Onnx.Run(session, Feed(session, new()
        {
            ["Size"] = Onnx.Floats(sizes, sizes.Length, 1),
            ["Rooms"] = Onnx.Floats(rooms, rooms.Length, 1),
        }, sizes.Length));

        var predicted = outputs["Score.output"].GetTensorDataAsSpan<float>().ToArray();
        Assert.Equal(sizes.Length, predicted.Length);
        for (var i = 0; i < sizes.Length; i++)
        {
            var expected = 2.5f * sizes[i] + 10 * rooms[i] - 7;
            Assert.InRange(predicted[i], expected * 0.95f - 2, expected * 1.05f + 2);
        }
    }

    [Fact]
    public void Iris_tells_the_three_species_apart_with_probabilities()
    {
        using var session = Onnx.Open(SampleModels.Iris());
        Assert.Equal([-1, 4], session.InputMetadata["Features"].Dimensions);
        float[] flowers =
        [
            5.1f, 3.5f, 1.4f, 0.2f,
            6.0f, 2.7f, 4.2f, 1.3f,
            6.9f, 3.1f, 5.8f, 2.2f,
        ];

        var outputs = Onnx.Run(session, Feed(session, new() { ["Features"] = Onnx.Floats(flowers, 3, 4) }, 3));

        Assert.Equal(["setosa", "versicolor", "virginica"], outputs["PredictedLabel.output"].GetStringTensorAsArray());
        using var scores = outputs["Score.output"];
        Assert.Equal([3, 3], scores.GetTensorTypeAndShape().Shape);
        foreach (var row in scores.GetTensorDataAsSpan<float>().ToArray().Chunk(3))
        {
            Assert.Equal(1.0, row.Sum(), precision: 4);
        }
    }

    [Fact]
    public void Trained_models_come_back_the_same_and_unshared()
    {
        var first = SampleModels.Iris();
        var second = SampleModels.Iris();

        Assert.Equal(first, second);
        Assert.NotSame(first, second);
    }

    /// <summary>ML.NET exports ask for the label too: feed a dummy of the right type for every input not given.</summary>
    private static Dictionary<string, OrtValue> Feed(InferenceSession session, Dictionary<string, OrtValue> given, int batch)
    {
        foreach (var (name, metadata) in session.InputMetadata.Where(input => !given.ContainsKey(input.Key)))
        {
            given[name] = metadata.ElementType == typeof(string)
                ? Onnx.Strings(Enumerable.Repeat("", batch).ToArray(), batch, 1)
                : Onnx.Floats(new float[batch], batch, 1);
        }
        return given;
    }
}
