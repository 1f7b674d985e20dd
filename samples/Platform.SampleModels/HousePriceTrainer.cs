using Microsoft.ML;

namespace Platform.SampleModels;

/// <summary>Trains the house-price regression of <see cref="SampleModels.HousePrice"/> and exports it to ONNX.</summary>
internal static class HousePriceTrainer
{
    private sealed class House
    {
        public float Size { get; set; }

        public float Rooms { get; set; }

        public float Price { get; set; }
    }

    public static byte[] Train()
    {
        var ml = new MLContext(seed: 7);
        var houses = Enumerable.Range(1, 200)
            .Select(i => new House { Size = i, Rooms = i % 5 + 1, Price = 2.5f * i + 10 * (i % 5 + 1) - 7 })
            .ToList();
        var data = ml.Data.LoadFromEnumerable(houses);
        // No min-max normaliser: with one in front, SDCA diverges on this data (predictions near 1e14) at any iteration count.
        var pipeline = ml.Transforms.Concatenate("Features", nameof(House.Size), nameof(House.Rooms))
            .Append(ml.Regression.Trainers.Sdca(labelColumnName: nameof(House.Price), maximumNumberOfIterations: 100));
        return OnnxExport.ToBytes(ml, pipeline.Fit(data), data);
    }
}
