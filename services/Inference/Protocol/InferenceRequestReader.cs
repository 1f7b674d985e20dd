using System.Buffers.Binary;
using System.Text.Json;
using Platform.Inference.Runtime;

namespace Platform.Inference.Protocol;

/// <summary>
/// Reads an <c>$inference_request</c> (JSON, optionally followed by binary tensor data) and checks it against the model's
/// signature: input names, datatypes, shapes and element counts. Nothing is allocated in proportion to a size the client
/// declares until the body is known to hold that much data, so a body of N bytes never costs more than a small multiple of N.
/// </summary>
public static class InferenceRequestReader
{
    /// <summary>Deeper tensors are refused; no model this server is meant for comes near it.</summary>
    public const int MaxRank = 32;

    private const string BinaryDataSize = "binary_data_size";
    private const string BinaryData = "binary_data";
    private const string BinaryDataOutput = "binary_data_output";

    /// <param name="body">
    /// The whole request body. Binary tensor data is not copied: the request's tensors point into it, so it must stay
    /// unchanged until the request has run.
    /// </param>
    /// <param name="headerLength">The <c>Inference-Header-Content-Length</c> header: how much of the body is JSON; null when absent (all of it).</param>
    public static InferenceRequest Read(ReadOnlyMemory<byte> body, long? headerLength, ModelSignature signature)
    {
        if (headerLength is { } length && (length < 0 || length > body.Length))
        {
            throw new ProtocolException($"Inference-Header-Content-Length is {length}, but the body is {body.Length} bytes.");
        }
        if (headerLength == 0)
        {
            return ReadRawBinary(body, signature);
        }
        var json = headerLength is { } jsonLength ? body.Span[..(int)jsonLength] : body.Span;
        var binary = headerLength is { } offset ? body[(int)offset..] : ReadOnlyMemory<byte>.Empty;
        var header = ParseHeader(json);
        return Validate(header, json, binary, signature);
    }

    private sealed record RawInput(string Name, string? DataType, long[]? Shape, long? BinarySize, int DataStart, int DataLength);

    private sealed record RawRequest(string? Id, Dictionary<string, object>? Parameters, List<RawInput>? Inputs, List<RequestedOutput>? Outputs);

    private static RawRequest ParseHeader(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxRank + 8 });
        try
        {
            string? id = null;
            Dictionary<string, object>? parameters = null;
            List<RawInput>? inputs = null;
            List<RequestedOutput>? outputs = null;
            Next(ref reader);
            Expect(ref reader, JsonTokenType.StartObject, "The request must be a JSON object.");
            while (Next(ref reader) != JsonTokenType.EndObject)
            {
                var property = reader.GetString();
                Next(ref reader);
                switch (property)
                {
                    case "id":
                        Expect(ref reader, JsonTokenType.String, "\"id\" must be a string.");
                        id = reader.GetString();
                        break;
                    case "parameters":
                        parameters = ReadParameters(ref reader, "the request");
                        break;
                    case "inputs":
                        inputs = ReadInputs(ref reader);
                        break;
                    case "outputs":
                        outputs = ReadOutputs(ref reader);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            if (reader.Read())
            {
                throw new ProtocolException("The request has content after its JSON object; send binary data with Inference-Header-Content-Length.");
            }
            return new RawRequest(id, parameters, inputs, outputs);
        }
        catch (JsonException exception)
        {
            throw new ProtocolException($"The request is not valid JSON: {exception.Message}");
        }
    }

    private static List<RawInput> ReadInputs(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartArray, "\"inputs\" must be an array.");
        var inputs = new List<RawInput>();
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            Expect(ref reader, JsonTokenType.StartObject, "Each entry of \"inputs\" must be an object.");
            string? name = null;
            string? dataType = null;
            long[]? shape = null;
            long? binarySize = null;
            int dataStart = -1, dataLength = 0;
            while (Next(ref reader) != JsonTokenType.EndObject)
            {
                var property = reader.GetString();
                Next(ref reader);
                switch (property)
                {
                    case "name":
                        Expect(ref reader, JsonTokenType.String, "An input's \"name\" must be a string.");
                        name = reader.GetString();
                        break;
                    case "datatype":
                        Expect(ref reader, JsonTokenType.String, "An input's \"datatype\" must be a string.");
                        dataType = reader.GetString();
                        break;
                    case "shape":
                        shape = ReadShape(ref reader, name);
                        break;
                    case "parameters":
                        var parameters = ReadParameters(ref reader, $"input '{name}'");
                        if (parameters.TryGetValue(BinaryDataSize, out var size))
                        {
                            binarySize = size is long bytes && bytes >= 0
                                ? bytes
                                : throw new ProtocolException($"\"{BinaryDataSize}\" of input '{name}' must be a non-negative integer.");
                        }
                        break;
                    case "data":
                        dataStart = (int)reader.TokenStartIndex;
                        reader.Skip();
                        dataLength = (int)reader.BytesConsumed - dataStart;
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            if (name is null)
            {
                throw new ProtocolException("An input has no \"name\".");
            }
            inputs.Add(new RawInput(name, dataType, shape, binarySize, dataStart, dataLength));
        }
        return inputs;
    }

    private static long[] ReadShape(ref Utf8JsonReader reader, string? input)
    {
        Expect(ref reader, JsonTokenType.StartArray, $"The \"shape\" of input '{input}' must be an array of integers.");
        var shape = new List<long>();
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var dimension) || dimension < 0)
            {
                throw new ProtocolException($"The \"shape\" of input '{input}' must hold integers from 0 to {long.MaxValue}.");
            }
            if (shape.Count == MaxRank)
            {
                throw new ProtocolException($"Input '{input}' has more than {MaxRank} dimensions.");
            }
            shape.Add(dimension);
        }
        return [.. shape];
    }

    private static List<RequestedOutput> ReadOutputs(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartArray, "\"outputs\" must be an array.");
        var outputs = new List<RequestedOutput>();
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            Expect(ref reader, JsonTokenType.StartObject, "Each entry of \"outputs\" must be an object.");
            string? name = null;
            bool? binary = null;
            while (Next(ref reader) != JsonTokenType.EndObject)
            {
                var property = reader.GetString();
                Next(ref reader);
                switch (property)
                {
                    case "name":
                        Expect(ref reader, JsonTokenType.String, "An output's \"name\" must be a string.");
                        name = reader.GetString();
                        break;
                    case "parameters":
                        var parameters = ReadParameters(ref reader, $"output '{name}'");
                        if (parameters.TryGetValue(BinaryData, out var value))
                        {
                            binary = value as bool? ?? throw new ProtocolException($"\"{BinaryData}\" of output '{name}' must be true or false.");
                        }
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            outputs.Add(new RequestedOutput(name ?? throw new ProtocolException("A requested output has no \"name\"."), binary));
        }
        return outputs;
    }

    /// <summary>A <c>$parameters</c> object: names to strings, numbers (long, else double) or booleans.</summary>
    private static Dictionary<string, object> ReadParameters(ref Utf8JsonReader reader, string owner)
    {
        Expect(ref reader, JsonTokenType.StartObject, $"The parameters of {owner} must be an object.");
        var parameters = new Dictionary<string, object>(StringComparer.Ordinal);
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            parameters[name] = Next(ref reader) switch
            {
                JsonTokenType.String => reader.GetString()!,
                JsonTokenType.True => true,
                JsonTokenType.False => false,
                JsonTokenType.Number when reader.TryGetInt64(out var integer) => integer,
                JsonTokenType.Number when reader.TryGetDouble(out var real) && double.IsFinite(real) => real,
                _ => throw new ProtocolException($"Parameter '{name}' of {owner} must be a string, a finite number or a boolean."),
            };
        }
        return parameters;
    }

    private static InferenceRequest Validate(RawRequest header, ReadOnlySpan<byte> json, ReadOnlyMemory<byte> binary, ModelSignature signature)
    {
        if (header.Inputs is null)
        {
            throw new ProtocolException("The request has no \"inputs\".");
        }
        var inputs = new List<TensorData>(header.Inputs.Count);
        var binaryOffset = 0L;
        foreach (var input in header.Inputs)
        {
            var (spec, shape, count) = Declared(input.Name, input.DataType, input.Shape, signature, inputs);
            if (input.BinarySize is { } binarySize)
            {
                if (input.DataStart >= 0)
                {
                    throw new ProtocolException($"Input '{input.Name}' has both \"data\" and \"{BinaryDataSize}\".");
                }
                if (binarySize > binary.Length - binaryOffset)
                {
                    throw new ProtocolException(
                        $"Input '{input.Name}' declares {binarySize} bytes of binary data, but only {binary.Length - binaryOffset} bytes follow the JSON.");
                }
                inputs.Add(Binary(input.Name, spec.Type, shape, count, binary.Slice((int)binaryOffset, (int)binarySize)));
                binaryOffset += binarySize;
            }
            else if (input.DataStart >= 0)
            {
                inputs.Add(JsonTensorReader.Read(json.Slice(input.DataStart, input.DataLength), input.Name, spec.Type, shape, count));
            }
            else
            {
                throw new ProtocolException($"Input '{input.Name}' has neither \"data\" nor a \"{BinaryDataSize}\" parameter.");
            }
        }
        if (binaryOffset != binary.Length)
        {
            throw new ProtocolException($"{binary.Length - binaryOffset} bytes of binary data follow the tensors that declare theirs.");
        }
        var binaryOutputs = header.Parameters?.GetValueOrDefault(BinaryDataOutput) switch
        {
            null => false,
            bool value => value,
            _ => throw new ProtocolException($"\"{BinaryDataOutput}\" must be true or false."),
        };
        return Complete(inputs, header.Id, header.Parameters, header.Outputs, binaryOutputs, signature);
    }

    /// <summary>
    /// The checks every input gets, whatever carries its data: a name the model has, not seen before; the model's datatype;
    /// a shape the model takes. Returns the model's spec, the shape, and the element count the data must hold.
    /// </summary>
    internal static (TensorSpec Spec, long[] Shape, long Count) Declared(string name, string? dataType, IReadOnlyList<long>? shape, ModelSignature signature,
        IReadOnlyList<TensorData> seen)
    {
        var spec = signature.Input(name) ?? throw new ProtocolException($"The model has no input '{name}'; its inputs are {Names(signature.Inputs)}.");
        if (seen.Any(input => input.Name == name))
        {
            throw new ProtocolException($"Input '{name}' appears more than once.");
        }
        if (dataType is null)
        {
            throw new ProtocolException($"Input '{name}' has no \"datatype\".");
        }
        if (!DataType.TryParse(dataType, out var type))
        {
            throw new ProtocolException(
                $"Input '{name}' has datatype '{dataType}', which is not one of {string.Join(", ", DataType.All.Select(known => known.Name))}.");
        }
        if (type != spec.Type)
        {
            throw new ProtocolException($"Input '{name}' is {spec.Type} in the model, but the request sends {type}.");
        }
        if (shape is null)
        {
            throw new ProtocolException($"Input '{name}' has no \"shape\".");
        }
        if (shape.Count > MaxRank)
        {
            throw new ProtocolException($"Input '{name}' has more than {MaxRank} dimensions.");
        }
        if (shape.Any(dimension => dimension < 0))
        {
            throw new ProtocolException($"The shape {Format(shape)} of input '{name}' has a negative dimension.");
        }
        if (shape.Count != spec.Shape.Length || shape.Where((dimension, axis) => spec.Shape[axis] >= 0 && spec.Shape[axis] != dimension).Any())
        {
            throw new ProtocolException($"Input '{name}' has shape {Format(shape)}, but the model takes {Format(spec.Shape)}.");
        }
        var dimensions = shape.ToArray();
        return (spec, dimensions, ElementCount(dimensions, name));
    }

    /// <summary>What every request gets once its inputs are read: none missing, outputs the model has, and its batch.</summary>
    internal static InferenceRequest Complete(List<TensorData> inputs, string? id, IReadOnlyDictionary<string, object>? parameters,
        List<RequestedOutput>? outputs, bool binaryOutputs, ModelSignature signature)
    {
        var missing = signature.Inputs.Where(spec => inputs.All(input => input.Name != spec.Name)).ToList();
        if (missing.Count > 0)
        {
            throw new ProtocolException($"The request lacks input(s) {Names(missing)}.");
        }
        var (batchSize, batchKey) = Batching(inputs, signature);
        return new InferenceRequest
        {
            Id = id,
            Parameters = parameters,
            Inputs = inputs,
            Outputs = CheckOutputs(outputs, signature),
            BinaryOutputs = binaryOutputs,
            BatchSize = batchSize,
            BatchKey = batchKey,
        };
    }

    private static long ElementCount(long[] shape, string name)
    {
        try
        {
            return shape.Aggregate(1L, (product, dimension) => checked(product * dimension));
        }
        catch (OverflowException)
        {
            throw new ProtocolException($"The shape {Format(shape)} of input '{name}' has more elements than a 64-bit count holds.");
        }
    }

    /// <summary>
    /// A tensor from its data in the binary extension's layout (BYTES: a 4-byte little-endian length before each element),
    /// checked against the count its shape gives. Fixed-size elements stay where they are (the tensor points into
    /// <paramref name="memory"/>); BYTES elements are copied out.
    /// </summary>
    internal static TensorData Binary(string name, DataType type, long[] shape, long count, ReadOnlyMemory<byte> memory)
    {
        var data = memory.Span;
        if (!type.IsBytes)
        {
            // count * size cannot overflow here only if it is checked: a huge shape with a small declared size must fail cleanly.
            var expected = count > long.MaxValue / type.Size ? -1 : count * type.Size;
            if (expected != data.Length)
            {
                throw new ProtocolException(
                    $"Input '{name}' has {data.Length} bytes of binary data, but {count} {type} elements of shape {Format(shape)} take {(expected < 0 ? "more than 2^63" : expected)}.");
            }
            return TensorData.Fixed(name, type, shape, memory);
        }
        // Every BYTES element takes at least its 4-byte length, which bounds the count before anything is allocated.
        if (count > data.Length / 4)
        {
            throw new ProtocolException($"Input '{name}' declares {count} BYTES elements, but its {data.Length} bytes of binary data cannot hold them.");
        }
        var strings = new byte[count][];
        var offset = 0;
        for (var i = 0; i < count; i++)
        {
            if (data.Length - offset < 4)
            {
                throw new ProtocolException($"The binary data of input '{name}' ends inside the length of element {i}.");
            }
            var length = BinaryPrimitives.ReadUInt32LittleEndian(data[offset..]);
            offset += 4;
            if (length > data.Length - offset)
            {
                throw new ProtocolException($"Element {i} of input '{name}' declares {length} bytes, but only {data.Length - offset} remain.");
            }
            strings[i] = data.Slice(offset, (int)length).ToArray();
            offset += (int)length;
        }
        if (offset != data.Length)
        {
            throw new ProtocolException($"The binary data of input '{name}' has {data.Length - offset} bytes after its {count} elements.");
        }
        return TensorData.OfStrings(name, shape, strings);
    }

    private static List<RequestedOutput>? CheckOutputs(List<RequestedOutput>? outputs, ModelSignature signature)
    {
        if (outputs is null)
        {
            return null;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var output in outputs)
        {
            if (signature.Output(output.Name) is null)
            {
                throw new ProtocolException($"The model has no output '{output.Name}'; its outputs are {Names(signature.Outputs)}.");
            }
            if (!seen.Add(output.Name))
            {
                throw new ProtocolException($"Output '{output.Name}' is requested more than once.");
            }
        }
        return outputs;
    }

    /// <summary>The batch size and key of a request to a batchable model: every input must agree on its first dimension.</summary>
    private static (long Size, string? Key) Batching(List<TensorData> inputs, ModelSignature signature)
    {
        if (!signature.Batchable)
        {
            return (1, null);
        }
        var size = inputs[0].Shape[0];
        if (inputs.Any(input => input.Shape[0] != size))
        {
            return (size, null);
        }
        var key = string.Join('|', signature.Inputs.Select(spec => string.Join('x', inputs.First(input => input.Name == spec.Name).Shape.Skip(1))));
        return (size, key);
    }

    /// <summary>
    /// The binary extension's raw form (Inference-Header-Content-Length: 0): the body is the data of the model's only input,
    /// whose one free dimension (if any) follows from the byte count; every output comes back as binary data.
    /// </summary>
    private static InferenceRequest ReadRawBinary(ReadOnlyMemory<byte> body, ModelSignature signature)
    {
        if (signature.Inputs.Count != 1)
        {
            throw new ProtocolException($"A raw binary request (Inference-Header-Content-Length: 0) needs a model with one input; this one has {signature.Inputs.Count}.");
        }
        var spec = signature.Inputs[0];
        var free = spec.Shape.Count(dimension => dimension < 0);
        if (spec.Type.IsBytes || free > 1)
        {
            throw new ProtocolException($"A raw binary request needs a fixed-size input with at most one free dimension; '{spec.Name}' is {spec.Type} {Format(spec.Shape)}.");
        }
        var fixedBytes = spec.Shape.Where(dimension => dimension >= 0).Aggregate((long)spec.Type.Size, (product, dimension) => product * dimension);
        var shape = spec.Shape.ToArray();
        if (free == 1)
        {
            if (fixedBytes == 0 || body.Length % fixedBytes != 0)
            {
                throw new ProtocolException($"{body.Length} bytes are not a whole number of {spec.Type} rows of shape {Format(spec.Shape)}.");
            }
            shape[Array.IndexOf(shape, -1L)] = body.Length / fixedBytes;
        }
        var input = Binary(spec.Name, spec.Type, shape, ElementCount(shape, spec.Name), body);
        var (batchSize, batchKey) = Batching([input], signature);
        return new InferenceRequest { Inputs = [input], BinaryOutputs = true, BatchSize = batchSize, BatchKey = batchKey };
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new ProtocolException("The request's JSON ends early.");

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string message)
    {
        if (reader.TokenType != type)
        {
            throw new ProtocolException(message);
        }
    }

    private static string Names(IEnumerable<TensorSpec> specs) => string.Join(", ", specs.Select(spec => $"'{spec.Name}'"));

    public static string Format(IEnumerable<long> shape) => $"[{string.Join(", ", shape)}]";
}
