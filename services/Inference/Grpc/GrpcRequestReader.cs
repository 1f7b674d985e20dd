using System.Runtime.InteropServices;
using Google.Protobuf.Collections;
using Platform.Inference.Grpc.Protocol;
using Platform.Inference.Protocol;
using Platform.Inference.Runtime;

namespace Platform.Inference.Grpc;

/// <summary>
/// Reads a gRPC <c>ModelInferRequest</c> into the same <see cref="InferenceRequest"/> the HTTP endpoint builds, through the
/// same checks (<see cref="InferenceRequestReader.Declared"/>, <see cref="InferenceRequestReader.Complete"/>). Tensor data
/// comes either as <c>raw_input_contents</c> (one entry per input, laid out as in the binary data extension) or as each
/// input's typed <c>contents</c>, never both; FP16 and BF16 only come raw. gRPC's own message size limit
/// (<c>Inference:MaxRequestBytes</c>) bounds what a request can make the server allocate.
/// </summary>
public static class GrpcRequestReader
{
    public static InferenceRequest Read(ModelInferRequest request, ModelSignature signature)
    {
        var raw = request.RawInputContents;
        if (raw.Count > 0 && raw.Count != request.Inputs.Count)
        {
            throw new ProtocolException($"raw_input_contents has {raw.Count} entries for {request.Inputs.Count} inputs: send one per input, in the order of inputs.");
        }
        var inputs = new List<TensorData>(request.Inputs.Count);
        for (var i = 0; i < request.Inputs.Count; i++)
        {
            var input = request.Inputs[i];
            var (spec, shape, count) = InferenceRequestReader.Declared(input.Name, NullIfEmpty(input.Datatype), input.Shape, signature, inputs);
            if (raw.Count > 0)
            {
                if (input.Contents is not null)
                {
                    throw new ProtocolException($"Input '{input.Name}' has contents, but the request carries raw_input_contents: send every input the same way.");
                }
                inputs.Add(InferenceRequestReader.Binary(input.Name, spec.Type, shape, count, raw[i].Memory));
            }
            else
            {
                inputs.Add(Typed(input.Name, spec.Type, shape, count,
                    input.Contents ?? throw new ProtocolException($"Input '{input.Name}' has neither contents nor an entry in raw_input_contents.")));
            }
        }
        var outputs = request.Outputs.Count == 0 ? null : request.Outputs.Select(output => new RequestedOutput(output.Name, Binary: null)).ToList();
        return InferenceRequestReader.Complete(inputs, NullIfEmpty(request.Id), Parameters(request.Parameters), outputs, binaryOutputs: true, signature);
    }

    /// <summary>A tensor from the repeated field of its datatype, which must hold exactly <paramref name="count"/> elements, each in the datatype's range.</summary>
    private static TensorData Typed(string name, DataType type, long[] shape, long count, InferTensorContents contents)
    {
        (string Field, int Count)[] fields =
        [
            ("bool_contents", contents.BoolContents.Count), ("int_contents", contents.IntContents.Count),
            ("int64_contents", contents.Int64Contents.Count), ("uint_contents", contents.UintContents.Count),
            ("uint64_contents", contents.Uint64Contents.Count), ("fp32_contents", contents.Fp32Contents.Count),
            ("fp64_contents", contents.Fp64Contents.Count), ("bytes_contents", contents.BytesContents.Count),
        ];
        var field = type.Name switch
        {
            "BOOL" => "bool_contents",
            "INT8" or "INT16" or "INT32" => "int_contents",
            "INT64" => "int64_contents",
            "UINT8" or "UINT16" or "UINT32" => "uint_contents",
            "UINT64" => "uint64_contents",
            "FP32" => "fp32_contents",
            "FP64" => "fp64_contents",
            "BYTES" => "bytes_contents",
            _ => throw new ProtocolException($"Input '{name}' is {type}, which has no typed contents field: send it in raw_input_contents."),
        };
        var stray = fields.FirstOrDefault(other => other.Field != field && other.Count > 0);
        if (stray.Field is not null)
        {
            throw new ProtocolException($"Input '{name}' is {type}: its elements go in {field}, but {stray.Field} holds {stray.Count}.");
        }
        // The count is checked before anything is allocated for it: the shape is the client's word, the field's length is what it sent.
        var held = fields.Single(other => other.Field == field).Count;
        if (held != count)
        {
            throw new ProtocolException(
                $"Input '{name}' is {type} of shape {InferenceRequestReader.Format(shape)}: {field} must hold {count} elements, but holds {held}.");
        }
        if (type == DataType.Bytes)
        {
            return TensorData.OfStrings(name, shape, contents.BytesContents.Select(element => element.ToByteArray()).ToArray());
        }
        var data = new byte[count * type.Size];
        switch (type.Name)
        {
            case "BOOL": Fill(contents.BoolContents, data, (value, _) => value ? (byte)1 : (byte)0); break;
            case "INT8": Fill(contents.IntContents, data, (value, i) => (sbyte)InRange(value, sbyte.MinValue, sbyte.MaxValue, i)); break;
            case "INT16": Fill(contents.IntContents, data, (value, i) => (short)InRange(value, short.MinValue, short.MaxValue, i)); break;
            case "INT32": Fill(contents.IntContents, data, (value, _) => value); break;
            case "INT64": Fill(contents.Int64Contents, data, (value, _) => value); break;
            case "UINT8": Fill(contents.UintContents, data, (value, i) => (byte)InRange(value, 0, byte.MaxValue, i)); break;
            case "UINT16": Fill(contents.UintContents, data, (value, i) => (ushort)InRange(value, 0, ushort.MaxValue, i)); break;
            case "UINT32": Fill(contents.UintContents, data, (value, _) => value); break;
            case "UINT64": Fill(contents.Uint64Contents, data, (value, _) => value); break;
            case "FP32": Fill(contents.Fp32Contents, data, (value, _) => value); break;
            case "FP64": Fill(contents.Fp64Contents, data, (value, _) => value); break;
        }
        return TensorData.Fixed(name, type, shape, data);

        long InRange(long value, long min, long max, int index) =>
            value >= min && value <= max ? value : throw new ProtocolException($"Element {index} of input '{name}' is {value}, outside the {type} range {min} to {max}.");
    }

    /// <summary>Writes each element of <paramref name="field"/>, converted, into <paramref name="data"/> as the datatype's elements (in the machine's order, little-endian, as the server holds every tensor).</summary>
    private static void Fill<TSource, TElement>(RepeatedField<TSource> field, Span<byte> data, Func<TSource, int, TElement> convert)
        where TElement : unmanaged
    {
        var elements = MemoryMarshal.Cast<byte, TElement>(data);
        for (var i = 0; i < elements.Length; i++)
        {
            elements[i] = convert(field[i], i);
        }
    }

    /// <summary>The request's parameters as the HTTP reader keeps them: string, long, double or bool.</summary>
    private static Dictionary<string, object>? Parameters(MapField<string, InferParameter> parameters) =>
        parameters.Count == 0
            ? null
            : parameters.ToDictionary(pair => pair.Key, pair => pair.Value.ParameterChoiceCase switch
            {
                InferParameter.ParameterChoiceOneofCase.BoolParam => (object)pair.Value.BoolParam,
                InferParameter.ParameterChoiceOneofCase.Int64Param => pair.Value.Int64Param,
                InferParameter.ParameterChoiceOneofCase.StringParam => pair.Value.StringParam,
                InferParameter.ParameterChoiceOneofCase.DoubleParam => pair.Value.DoubleParam,
                InferParameter.ParameterChoiceOneofCase.Uint64Param => pair.Value.Uint64Param,
                _ => throw new ProtocolException($"Parameter '{pair.Key}' has no value."),
            }, StringComparer.Ordinal);

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
