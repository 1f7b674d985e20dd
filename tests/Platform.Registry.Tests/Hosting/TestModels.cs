namespace Platform.Registry.Tests.Hosting;

/// <summary>A real model: the house-price regression trained with ML.NET and exported to ONNX (see Platform.SampleModels).</summary>
public static class TestModels
{
    private static readonly Lazy<byte[]> Trained = new(SampleModels.SampleModels.HousePrice);

    public static byte[] HousePrice => Trained.Value;
}
