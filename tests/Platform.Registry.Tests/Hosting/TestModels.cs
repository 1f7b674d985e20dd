namespace Platform.Registry.Tests.Hosting;

public static class TestModels
{
    private static readonly Lazy<byte[]> Trained = new(SampleModels.SampleModels.HousePrice);

    /// <summary>A real model: the house-price regression trained with ML.NET and exported to ONNX (see Platform.SampleModels).</summary>
    public static byte[] HousePrice => Trained.Value;

    /// <summary>Another real model, with other bytes: a small MLP, for when two versions must be told apart.</summary>
    public static byte[] SmallMlp { get; } = SampleModels.SampleModels.Mlp(4, [8], 2);
}
