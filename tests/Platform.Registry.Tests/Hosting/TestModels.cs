using Microsoft.ML;

namespace Platform.Registry.Tests.Hosting;

/// <summary>A real model: a small regression trained with ML.NET and exported to ONNX, once per test run.</summary>
public static class TestModels
{
    private static readonly Lazy<byte[]> Trained = new(Train);

    public static byte[] HousePrice => Trained.Value;

    private sealed class House
    {
        public float Size { get; set; }

        public float Rooms { get; set; }

        public float Price { get; set; }
    }

    private static byte[] Train()
    {
        var ml = new MLContext(seed: 7);
        var houses = Enumerable.Range(1, 200).Select(i => new House { Size = i, Rooms = i % 5 + 1, Price = 2.5f * i + 10 * (i % 5) + 3 }).ToList();
        var data = ml.Data.LoadFromEnumerable(houses);
        var pipeline = ml.Transforms.Concatenate("Features", nameof(House.Size), nameof(House.Rooms))
            .Append(ml.Transforms.NormalizeMinMax("Features"))
            .Append(ml.Regression.Trainers.Sdca(labelColumnName: nameof(House.Price), maximumNumberOfIterations: 20));
        var model = pipeline.Fit(data);
        using var onnx = new MemoryStream();
        ml.Model.ConvertToOnnx(model, data, onnx);
        return onnx.ToArray();
    }
}
