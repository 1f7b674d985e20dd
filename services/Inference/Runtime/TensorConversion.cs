using Microsoft.ML.OnnxRuntime;
using Platform.Inference.Protocol;

namespace Platform.Inference.Runtime;

/// <summary>Moves tensors between the server's form and ONNX Runtime values, stacking and splitting along the batch dimension.</summary>
internal static class TensorConversion
{
    /// <summary>One input value made of the given tensors stacked along their first dimension (one tensor: as it is).</summary>
    public static OrtValue ToOrtValue(TensorSpec spec, IReadOnlyList<TensorData> parts)
    {
        var shape = parts[0].Shape.ToArray();
        if (parts.Count > 1)
        {
            shape[0] = parts.Sum(part => part.Shape[0]);
        }
        if (spec.Type.IsBytes)
        {
            var strings = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
            var index = 0;
            foreach (var element in parts.SelectMany(part => part.Strings!))
            {
                strings.StringTensorSetElementAt(element.AsSpan(), index++);
            }
            return strings;
        }
        var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, spec.Type.OrtType, shape);
        var target = value.GetTensorMutableRawData();
        var offset = 0;
        foreach (var part in parts)
        {
            part.Data.Span.CopyTo(target[offset..]);
            offset += part.Data.Length;
        }
        return value;
    }

    public static TensorData FromOrtValue(string name, OrtValue value)
    {
        var (type, shape, count) = Describe(name, value);
        return Copy(name, value, type, shape, 0, (int)count);
    }

    /// <summary>
    /// A batched output split back into each request's rows (<paramref name="rows"/>, in order), copied from ONNX Runtime's
    /// buffer; throws <see cref="BatchShapeException"/> when the output's first dimension is not the batch.
    /// </summary>
    public static TensorData[] SplitRows(string name, OrtValue value, IReadOnlyList<long> rows)
    {
        var (type, shape, _) = Describe(name, value);
        if (shape.Length == 0 || shape[0] != rows.Sum())
        {
            throw new BatchShapeException();
        }
        var perRow = shape.Skip(1).Aggregate(1L, (product, dimension) => product * dimension);
        var parts = new TensorData[rows.Count];
        long row = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            long[] partShape = [rows[i], .. shape[1..]];
            parts[i] = Copy(name, value, type, partShape, (int)(row * perRow), (int)(rows[i] * perRow));
            row += rows[i];
        }
        return parts;
    }

    private static (DataType Type, long[] Shape, long Count) Describe(string name, OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        return DataType.TryFromOrt(info.ElementDataType, out var type)
            ? (type, info.Shape, info.ElementCount)
            : throw new InvalidOperationException($"Output '{name}' has element type {info.ElementDataType}, which the protocol cannot carry.");
    }

    /// <summary>Elements [<paramref name="first"/>, first + <paramref name="count"/>) of an ONNX Runtime tensor, copied out as a tensor of <paramref name="shape"/>.</summary>
    private static TensorData Copy(string name, OrtValue value, DataType type, long[] shape, int first, int count)
    {
        if (!type.IsBytes)
        {
            return TensorData.Fixed(name, type, shape, value.GetTensorMutableRawData().Slice(first * type.Size, count * type.Size).ToArray());
        }
        var strings = new byte[count][];
        for (var element = 0; element < count; element++)
        {
            strings[element] = value.GetStringElementAsSpan(first + element).ToArray();
        }
        return TensorData.OfStrings(name, shape, strings);
    }
}
