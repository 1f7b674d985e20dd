using System.Diagnostics.CodeAnalysis;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Platform.Inference.Protocol;

/// <summary>
/// An Open Inference Protocol tensor datatype and the ONNX Runtime element type it travels as. Every OIP datatype that
/// ONNX Runtime has is here, plus Triton's BF16; fixed-size elements are little-endian, BOOL is one byte (0 or 1), and
/// BYTES elements are byte strings of any length (ONNX <c>string</c>).
/// </summary>
public sealed class DataType
{
    public static readonly DataType Bool = new("BOOL", TensorElementType.Bool, 1);
    public static readonly DataType UInt8 = new("UINT8", TensorElementType.UInt8, 1);
    public static readonly DataType UInt16 = new("UINT16", TensorElementType.UInt16, 2);
    public static readonly DataType UInt32 = new("UINT32", TensorElementType.UInt32, 4);
    public static readonly DataType UInt64 = new("UINT64", TensorElementType.UInt64, 8);
    public static readonly DataType Int8 = new("INT8", TensorElementType.Int8, 1);
    public static readonly DataType Int16 = new("INT16", TensorElementType.Int16, 2);
    public static readonly DataType Int32 = new("INT32", TensorElementType.Int32, 4);
    public static readonly DataType Int64 = new("INT64", TensorElementType.Int64, 8);
    public static readonly DataType Fp16 = new("FP16", TensorElementType.Float16, 2);
    public static readonly DataType Bf16 = new("BF16", TensorElementType.BFloat16, 2);
    public static readonly DataType Fp32 = new("FP32", TensorElementType.Float, 4);
    public static readonly DataType Fp64 = new("FP64", TensorElementType.Double, 8);
    public static readonly DataType Bytes = new("BYTES", TensorElementType.String, 0);

    public static IReadOnlyList<DataType> All { get; } = [Bool, UInt8, UInt16, UInt32, UInt64, Int8, Int16, Int32, Int64, Fp16, Bf16, Fp32, Fp64, Bytes];

    private static readonly Dictionary<string, DataType> ByName = All.ToDictionary(type => type.Name, StringComparer.Ordinal);
    private static readonly Dictionary<TensorElementType, DataType> ByOrtType = All.ToDictionary(type => type.OrtType);

    private DataType(string name, TensorElementType ortType, int size)
    {
        Name = name;
        OrtType = ortType;
        Size = size;
    }

    /// <summary>The protocol's name: FP32, INT64, BYTES, ...</summary>
    public string Name { get; }

    public TensorElementType OrtType { get; }

    /// <summary>Bytes per element; 0 for BYTES, whose elements vary in length.</summary>
    public int Size { get; }

    public bool IsBytes => Size == 0;

    public static bool TryParse(string? name, [NotNullWhen(true)] out DataType? type) => ByName.TryGetValue(name ?? "", out type);

    public static bool TryFromOrt(TensorElementType ortType, [NotNullWhen(true)] out DataType? type) => ByOrtType.TryGetValue(ortType, out type);

    public override string ToString() => Name;
}
