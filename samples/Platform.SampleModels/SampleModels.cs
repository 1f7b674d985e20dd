namespace Platform.SampleModels;

/// <summary>
/// Real ONNX models, made in process with no download: for tests, benchmarks and demo data. Every call returns a fresh copy
/// of the model's bytes; the trained ones are trained once per process. A real pretrained network, all-MiniLM-L6-v2, is in
/// <see cref="MiniLm"/>.
/// </summary>
public static class SampleModels
{
    private static readonly Lazy<byte[]> HousePriceModel = new(HousePriceTrainer.Train);
    private static readonly Lazy<byte[]> IrisModel = new(IrisTrainer.Train);

    /// <summary>
    /// A multi-layer perceptron (Gemm + Relu per hidden layer, Gemm + Softmax at the end, opset 13) with weights drawn
    /// from <paramref name="seed"/>: the same arguments give the same bytes. Input <c>input</c> is float32
    /// [batch, <paramref name="inputs"/>], output <c>output</c> is float32 [batch, <paramref name="outputs"/>], each row a
    /// probability distribution. <c>Mlp(512, [512], 10)</c> is about 1 MiB.
    /// </summary>
    public static byte[] Mlp(int inputs, int[] hidden, int outputs, int seed = 1) => MlpBuilder.Build(inputs, hidden, outputs, seed);

    /// <summary>
    /// A linear regression trained with ML.NET on houses whose price is <c>2.5 × Size + 10 × Rooms − 7</c> (Size 1 to 200,
    /// Rooms 1 to 5), exported to ONNX. Inputs <c>Size</c> and <c>Rooms</c> are float32 [batch, 1]; the export also asks
    /// for the label <c>Price</c> (feed any value). The prediction is <c>Score.output</c>.
    /// </summary>
    public static byte[] HousePrice() => HousePriceModel.Value.ToArray();

    /// <summary>
    /// A 4-feature, 3-class classifier (maximum entropy, trained with ML.NET on generated iris-like flowers) exported to ONNX.
    /// Input <c>Features</c> is float32 [batch, 4] (sepal length, sepal width, petal length, petal width in cm); the export
    /// also asks for the label <c>Label</c> (string, feed any value). Outputs: <c>PredictedLabel.output</c> (the species,
    /// <c>setosa</c>, <c>versicolor</c> or <c>virginica</c>) and <c>Score.output</c> (float32 [batch, 3], probabilities).
    /// </summary>
    public static byte[] Iris() => IrisModel.Value.ToArray();
}
