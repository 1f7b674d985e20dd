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
            part.Data.AsSpan().CopyTo(target[offset..]);
            offset += part.Data!.Length;
        }
        return value;
    }

    public static TensorData FromOrtValue(string name, OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        if (!DataType.TryFromOrt(info.ElementDataType, out var type))
        {
            throw new InvalidOperationException($"Output '{name}' has element type {info.ElementDataType}, which the protocol cannot carry.");
        }
        var shape = info.Shape;
        if (!type.IsBytes)
        {
            return TensorData.Fixed(name, type, shape, value.GetTensorMutableRawData().ToArray());
        }
        var strings = new byte[info.ElementCount][];
        for (var i = 0; i < strings.Length; i++)
        {
            strings[i] = value.GetStringElementAsSpan(i).ToArray();
        }
        return TensorData.OfStrings(name, shape, strings);
    }

    /// <summary>Rows [<paramref name="start"/>, start + <paramref name="rows"/>) of a tensor's first dimension.</summary>
    public static TensorData Rows(TensorData tensor, long start, long rows)
    {
        var shape = tensor.Shape.ToArray();
        shape[0] = rows;
        var perRow = tensor.Shape.Skip(1).Aggregate(1L, (product, dimension) => product * dimension);
        if (tensor.Type.IsBytes)
        {
            return TensorData.OfStrings(tensor.Name, shape, tensor.Strings.AsSpan((int)(start * perRow), (int)(rows * perRow)).ToArray());
        }
        var rowBytes = perRow * tensor.Type.Size;
        return TensorData.Fixed(tensor.Name, tensor.Type, shape, tensor.Data.AsSpan((int)(start * rowBytes), (int)(rows * rowBytes)).ToArray());
    }
}
