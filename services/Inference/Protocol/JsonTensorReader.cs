using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Platform.Inference.Protocol;

/// <summary>
/// Reads the <c>data</c> of one input: a flat array of elements in row-major order, or arrays nested exactly as the shape
/// says. Elements must be of the input's kind (JSON booleans for BOOL, integers in range for integer types, finite numbers
/// in range for floating-point types, strings for BYTES). NaN and ±Infinity cannot be written as JSON numbers, and
/// strings standing in for them are refused: the binary data extension carries them.
/// </summary>
internal static class JsonTensorReader
{
    public static TensorData Read(ReadOnlySpan<byte> data, string name, DataType type, long[] shape, long count)
    {
        // Each element takes at least one byte of JSON, so a count beyond the data's length cannot be real; refusing it here
        // keeps a huge declared shape from turning into a huge allocation.
        if (count > data.Length)
        {
            throw new ProtocolException($"Input '{name}' has shape {InferenceRequestReader.Format(shape)} ({count} elements), but its data is only {data.Length} bytes of JSON.");
        }
        var sink = new ElementSink(name, type, (int)count);
        var reader = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = InferenceRequestReader.MaxRank + 2 });
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new ProtocolException($"The data of input '{name}' must be an array.");
            }
            var probe = reader;
            probe.Read();
            if (probe.TokenType == JsonTokenType.StartArray)
            {
                ReadNested(ref reader, shape, 0, sink);
            }
            else
            {
                ReadFlat(ref reader, sink);
            }
        }
        catch (JsonException exception)
        {
            throw new ProtocolException($"The data of input '{name}' is not valid JSON: {exception.Message}");
        }
        if (sink.Count != count)
        {
            throw new ProtocolException($"Input '{name}' has {sink.Count} elements in its data, but its shape {InferenceRequestReader.Format(shape)} needs {count}.");
        }
        return sink.ToTensor(shape);
    }

    private static void ReadFlat(ref Utf8JsonReader reader, ElementSink sink)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject)
            {
                throw new ProtocolException($"The data of input '{sink.Name}' mixes arrays and elements; send it flat or nested as its shape.");
            }
            sink.Add(ref reader);
        }
    }

    /// <summary>Reads the array for dimension <paramref name="axis"/>, which must hold exactly shape[axis] entries.</summary>
    private static void ReadNested(ref Utf8JsonReader reader, long[] shape, int axis, ElementSink sink)
    {
        if (axis >= shape.Length)
        {
            throw new ProtocolException($"The data of input '{sink.Name}' is nested deeper than its {shape.Length} dimensions.");
        }
        var innermost = axis == shape.Length - 1;
        long entries = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (innermost == (reader.TokenType == JsonTokenType.StartArray) || reader.TokenType == JsonTokenType.StartObject)
            {
                throw new ProtocolException($"The data of input '{sink.Name}' is not nested as its shape {InferenceRequestReader.Format(shape)}.");
            }
            if (++entries > shape[axis])
            {
                break;
            }
            if (innermost)
            {
                sink.Add(ref reader);
            }
            else
            {
                ReadNested(ref reader, shape, axis + 1, sink);
            }
        }
        if (entries != shape[axis])
        {
            throw new ProtocolException(
                $"Dimension {axis} of input '{sink.Name}' has {(entries > shape[axis] ? "more than " + shape[axis] : entries)} entries in its data, but its shape {InferenceRequestReader.Format(shape)} says {shape[axis]}.");
        }
    }

    /// <summary>Collects elements into their binary form, refusing any beyond the declared count.</summary>
    private sealed class ElementSink(string name, DataType type, int capacity)
    {
        private readonly byte[]? _data = type.IsBytes ? null : new byte[(long)capacity * type.Size];
        private readonly byte[][]? _strings = type.IsBytes ? new byte[capacity][] : null;

        public string Name { get; } = name;

        public int Count { get; private set; }

        public void Add(ref Utf8JsonReader reader)
        {
            if (Count == capacity)
            {
                throw new ProtocolException($"Input '{Name}' has more elements in its data than its shape holds.");
            }
            if (type.IsBytes)
            {
                if (reader.TokenType != JsonTokenType.String)
                {
                    throw Invalid("a string");
                }
                _strings![Count++] = Utf8(ref reader);
                return;
            }
            var target = _data.AsSpan(Count * type.Size, type.Size);
            if (type == DataType.Bool)
            {
                target[0] = reader.TokenType switch
                {
                    JsonTokenType.True => 1,
                    JsonTokenType.False => 0,
                    _ => throw Invalid("true or false"),
                };
            }
            else if (type == DataType.Fp32 || type == DataType.Fp64 || type == DataType.Fp16 || type == DataType.Bf16)
            {
                WriteReal(ref reader, target);
            }
            else if (type == DataType.UInt64)
            {
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt64(out var value))
                {
                    throw Invalid($"an integer from 0 to {ulong.MaxValue}");
                }
                MemoryMarshal.Write(target, in value);
            }
            else
            {
                WriteInteger(ref reader, target);
            }
            Count++;
        }

        private void WriteInteger(ref Utf8JsonReader reader, Span<byte> target)
        {
            (long Min, long Max) range = type.OrtType switch
            {
                TensorElementType.UInt8 => (byte.MinValue, byte.MaxValue),
                TensorElementType.UInt16 => (ushort.MinValue, ushort.MaxValue),
                TensorElementType.UInt32 => (uint.MinValue, uint.MaxValue),
                TensorElementType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
                TensorElementType.Int16 => (short.MinValue, short.MaxValue),
                TensorElementType.Int32 => (int.MinValue, int.MaxValue),
                _ => (long.MinValue, long.MaxValue),
            };
            var (min, max) = range;
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value) || value < min || value > max)
            {
                throw Invalid($"an integer from {min} to {max}");
            }
            switch (type.Size)
            {
                case 1:
                    target[0] = (byte)value;
                    break;
                case 2:
                    MemoryMarshal.Write(target, (short)value);
                    break;
                case 4:
                    MemoryMarshal.Write(target, (int)value);
                    break;
                default:
                    MemoryMarshal.Write(target, in value);
                    break;
            }
        }

        private void WriteReal(ref Utf8JsonReader reader, Span<byte> target)
        {
            if (reader.TokenType != JsonTokenType.Number)
            {
                throw Invalid("a JSON number (NaN and Infinity can only be sent as binary data)");
            }
            if (!reader.TryGetDouble(out var value) || !double.IsFinite(value))
            {
                throw Invalid($"a finite number in the range of {type}");
            }
            if (type == DataType.Fp64)
            {
                MemoryMarshal.Write(target, in value);
            }
            else if (type == DataType.Fp32)
            {
                var single = (float)value;
                MemoryMarshal.Write(target, in single);
                CheckFinite(float.IsFinite(single));
            }
            else if (type == DataType.Fp16)
            {
                var half = (Half)value;
                MemoryMarshal.Write(target, in half);
                CheckFinite(Half.IsFinite(half));
            }
            else
            {
                var bits = BFloat16Bits.FromSingle((float)value);
                MemoryMarshal.Write(target, in bits);
                CheckFinite(float.IsFinite(BFloat16Bits.ToSingle(bits)));
            }
        }

        private void CheckFinite(bool finite)
        {
            if (!finite)
            {
                throw Invalid($"a finite number in the range of {type}");
            }
        }

        private ProtocolException Invalid(string expected) =>
            new($"Element {Count} of input '{Name}' ({type}) must be {expected}.");

        private static byte[] Utf8(ref Utf8JsonReader reader)
        {
            if (!reader.ValueIsEscaped)
            {
                return reader.ValueSpan.ToArray();
            }
            var buffer = new byte[reader.ValueSpan.Length];
            var written = reader.CopyString(buffer);
            return buffer.AsSpan(0, written).ToArray();
        }

        public TensorData ToTensor(long[] shape) =>
            type.IsBytes ? TensorData.OfStrings(Name, shape, _strings!) : TensorData.Fixed(Name, type, shape, _data!);
    }
}
