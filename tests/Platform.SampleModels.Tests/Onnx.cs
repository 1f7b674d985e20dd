using Microsoft.ML.OnnxRuntime;

namespace Platform.SampleModels.Tests;

/// <summary>Runs a model through ONNX Runtime, the runtime that serves models on the platform.</summary>
internal static class Onnx
{
    public static InferenceSession Open(byte[] model) => new(model);

    public static OrtValue Floats(float[] values, params long[] shape) => OrtValue.CreateTensorValueFromMemory(values, shape);

    public static OrtValue Strings(string[] values, params long[] shape) => OrtValue.CreateFromStringTensor(
        new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<string>(values, shape.Select(dimension => (int)dimension).ToArray()));

    /// <summary>Runs the session on the named inputs and returns every output by name.</summary>
    public static Dictionary<string, OrtValue> Run(InferenceSession session, IReadOnlyDictionary<string, OrtValue> inputs)
    {
        using var options = new RunOptions();
        var outputs = session.Run(options, inputs, session.OutputNames);
        return session.OutputNames.Zip(outputs).ToDictionary(pair => pair.First, pair => pair.Second);
    }
}
