using Microsoft.ML;
using Microsoft.ML.Data;

namespace Platform.SampleModels;

/// <summary>Trains the classifier of <see cref="SampleModels.Iris"/> on generated flowers and exports it to ONNX.</summary>
internal static class IrisTrainer
{
    private const int FlowersPerSpecies = 50;

    /// <summary>Per species: mean and spread of sepal length, sepal width, petal length, petal width (cm), close to Fisher's iris data.</summary>
    private static readonly (string Species, float[] Mean, float[] Spread)[] Species =
    [
        ("setosa", [5.0f, 3.4f, 1.5f, 0.25f], [0.35f, 0.38f, 0.17f, 0.10f]),
        ("versicolor", [5.9f, 2.8f, 4.3f, 1.3f], [0.52f, 0.31f, 0.47f, 0.20f]),
        ("virginica", [6.6f, 3.0f, 5.6f, 2.0f], [0.64f, 0.32f, 0.55f, 0.27f]),
    ];

    private sealed class Flower
    {
        [VectorType(4)]
        public float[] Features { get; set; } = [];

        public string Label { get; set; } = "";
    }

    public static byte[] Train()
    {
        var ml = new MLContext(seed: 11);
        var data = ml.Data.LoadFromEnumerable(Flowers(new Random(11)).ToList());
        var pipeline = ml.Transforms.Conversion.MapValueToKey(nameof(Flower.Label))
            .Append(ml.Transforms.NormalizeMinMax(nameof(Flower.Features)))
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(maximumNumberOfIterations: 100))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        return OnnxExport.ToBytes(ml, pipeline.Fit(data), data);
    }

    private static IEnumerable<Flower> Flowers(Random random)
    {
        foreach (var (species, mean, spread) in Species)
        {
            for (var i = 0; i < FlowersPerSpecies; i++)
            {
                var features = mean.Select((m, feature) => MathF.Max(0.1f, m + spread[feature] * Gaussian(random))).ToArray();
                yield return new Flower { Features = features, Label = species };
            }
        }
    }

    /// <summary>A standard normal draw (Box–Muller).</summary>
    private static float Gaussian(Random random) =>
        MathF.Sqrt(-2f * MathF.Log(1f - random.NextSingle())) * MathF.Cos(2f * MathF.PI * random.NextSingle());
}
