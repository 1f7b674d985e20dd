using Microsoft.ML.OnnxRuntime;

namespace Platform.AppHost.Tests;

/// <summary>What a model answers when run right here in ONNX Runtime: the reference the platform's answers must match.</summary>
internal static class Onnx
{
    /// <summary>Runs a sample MLP (input <c>input</c>, output <c>output</c>) on rows of four features; returns the output, flat.</summary>
    public static float[] Mlp(byte[] model, float[] input)
    {
        using var session = new InferenceSession(model);
        using var tensor = OrtValue.CreateTensorValueFromMemory(input, [input.Length / 4, 4]);
        using var options = new RunOptions();
        using var outputs = session.Run(options, new Dictionary<string, OrtValue> { ["input"] = tensor }, ["output"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
