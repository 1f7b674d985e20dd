using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace Platform.Inference.Bench;

/// <summary>One input tensor of a single-row request (<see cref="RowShape"/> starts with 1): float32 or int64 values, row-major.</summary>
public sealed record BenchInput(string Name, long[] RowShape, Array Row)
{
    public string DataType => Row switch
    {
        float[] => "FP32",
        long[] => "INT64",
        _ => throw new NotSupportedException($"No benchmark input of {Row.GetType().Name}."),
    };

    /// <summary>The row's bytes as the binary tensor extension carries them (little-endian, like every machine .NET runs on).</summary>
    public byte[] Bytes => Row switch
    {
        float[] floats => MemoryMarshal.AsBytes(floats.AsSpan()).ToArray(),
        long[] longs => MemoryMarshal.AsBytes(longs.AsSpan()).ToArray(),
        _ => throw new NotSupportedException($"No benchmark input of {Row.GetType().Name}."),
    };

    /// <summary>The row repeated <paramref name="rows"/> times, as ONNX Runtime takes a batch.</summary>
    public OrtValue Batch(int rows)
    {
        long[] shape = [rows, .. RowShape[1..]];
        return Row switch
        {
            float[] floats => OrtValue.CreateTensorValueFromMemory(Repeat(floats, rows), shape),
            long[] longs => OrtValue.CreateTensorValueFromMemory(Repeat(longs, rows), shape),
            _ => throw new NotSupportedException($"No benchmark input of {Row.GetType().Name}."),
        };
    }

    private static T[] Repeat<T>(T[] row, int rows) => Enumerable.Repeat(row, rows).SelectMany(values => values).ToArray();
}
