using Microsoft.ML.OnnxRuntime;

namespace Platform.Inference.Tests.Hosting;

/// <summary>What ONNX Runtime itself computes for a model, in process: the answer the server must give.</summary>
public static class DirectOnnx
{
    public static float[] Run(byte[] model, string input, float[] data, long[] shape, string output)
    {
        using var session = new InferenceSession(model);
        using var value = OrtValue.CreateTensorValueFromMemory(data, shape);
        using var results = session.Run(new RunOptions(), [input], [value], [output]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
