namespace Platform.Inference.Protocol;

/// <summary>
/// One tensor as the server holds it between the wire and ONNX Runtime: row-major, fixed-size elements as little-endian bytes
/// in <see cref="Data"/>, BYTES elements in <see cref="Strings"/>.
/// </summary>
public sealed class TensorData
{
    private TensorData(string name, DataType type, long[] shape, ReadOnlyMemory<byte> data, byte[][]? strings)
    {
        Name = name;
        Type = type;
        Shape = shape;
        Data = data;
        Strings = strings;
    }

    public string Name { get; }

    public DataType Type { get; }

    public long[] Shape { get; }

    /// <summary>
    /// The elements of a fixed-size datatype: <see cref="ElementCount"/> × <see cref="DataType.Size"/> bytes (empty for BYTES).
    /// An input's may point into the request's body, which outlives the request's run.
    /// </summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The elements of a BYTES tensor.</summary>
    public byte[][]? Strings { get; }

    public long ElementCount => Type.IsBytes ? Strings!.Length : Data.Length / Type.Size;

    /// <summary>The size of the tensor in the binary data extension's encoding (BYTES: a 4-byte length before each element).</summary>
    public long BinarySize => Type.IsBytes ? Strings!.Sum(element => 4L + element.Length) : Data.Length;

    /// <summary>The tensor in the binary data extension's layout, in one piece: fixed-size elements as they are, BYTES elements each after its 4-byte little-endian length.</summary>
    public ReadOnlyMemory<byte> ToBinary()
    {
        if (!Type.IsBytes)
        {
            return Data;
        }
        var bytes = new byte[BinarySize];
        var offset = 0;
        foreach (var element in Strings!)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), (uint)element.Length);
            element.CopyTo(bytes, offset + 4);
            offset += 4 + element.Length;
        }
        return bytes;
    }

    public static TensorData Fixed(string name, DataType type, long[] shape, ReadOnlyMemory<byte> data)
    {
        if (type.IsBytes)
        {
            throw new ArgumentException("BYTES tensors hold strings.", nameof(type));
        }
        return new TensorData(name, type, shape, data, null);
    }

    public static TensorData OfStrings(string name, long[] shape, byte[][] strings) => new(name, DataType.Bytes, shape, ReadOnlyMemory<byte>.Empty, strings);
}
