using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Platform.Inference.Protocol;

/// <summary>
/// Writes an <c>$inference_response</c>. Outputs asked for as binary data (per output <c>binary_data</c>, or the request's
/// <c>binary_data_output</c>) follow the JSON, whose length goes in <c>Inference-Header-Content-Length</c>. In JSON, data is
/// flat; floating-point NaN and ±Infinity, which JSON numbers cannot express, are written as the strings "NaN", "Infinity"
/// and "-Infinity"; BYTES elements are written as UTF-8 strings (binary data keeps their exact bytes).
/// </summary>
public static class InferenceResponseWriter
{
    public const string HeaderLengthHeader = "Inference-Header-Content-Length";

    public static async Task WriteAsync(HttpResponse response, string model, string version, InferenceRequest request,
        IReadOnlyList<TensorData> outputs, CancellationToken cancellationToken)
    {
        var binary = outputs.Select(output => IsBinary(request, output.Name)).ToArray();
        var header = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            json.WriteString("model_name", model);
            json.WriteString("model_version", version);
            if (request.Id is not null)
            {
                json.WriteString("id", request.Id);
            }
            json.WriteStartArray("outputs");
            for (var i = 0; i < outputs.Count; i++)
            {
                WriteOutput(json, outputs[i], binary[i]);
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }

        response.StatusCode = StatusCodes.Status200OK;
        if (!binary.Any(isBinary => isBinary))
        {
            response.ContentType = "application/json";
            response.ContentLength = header.WrittenCount;
            await response.Body.WriteAsync(header.WrittenMemory, cancellationToken);
            return;
        }
        response.ContentType = "application/octet-stream";
        response.Headers[HeaderLengthHeader] = header.WrittenCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.ContentLength = header.WrittenCount + outputs.Where((_, i) => binary[i]).Sum(output => output.BinarySize);
        // Into the response's pipe, sent when a batch of bytes has gathered and at the end: a write to the body stream
        // would send each piece at once (a small answer would cross as two TCP segments, a BYTES tensor as two per element).
        var body = new BufferedBody(response.BodyWriter);
        body.Write(header.WrittenSpan);
        for (var i = 0; i < outputs.Count; i++)
        {
            if (binary[i])
            {
                await WriteBinaryAsync(body, outputs[i], cancellationToken);
            }
        }
        await body.FlushAsync(cancellationToken);
    }

    private static bool IsBinary(InferenceRequest request, string output) =>
        request.Outputs?.FirstOrDefault(requested => requested.Name == output)?.Binary ?? request.BinaryOutputs;

    private static void WriteOutput(Utf8JsonWriter json, TensorData output, bool binary)
    {
        json.WriteStartObject();
        json.WriteString("name", output.Name);
        json.WriteString("datatype", output.Type.Name);
        json.WriteStartArray("shape");
        foreach (var dimension in output.Shape)
        {
            json.WriteNumberValue(dimension);
        }
        json.WriteEndArray();
        if (binary)
        {
            json.WriteStartObject("parameters");
            json.WriteNumber("binary_data_size", output.BinarySize);
            json.WriteEndObject();
        }
        else
        {
            json.WriteStartArray("data");
            WriteElements(json, output);
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }

    private static void WriteElements(Utf8JsonWriter json, TensorData output)
    {
        if (output.Type.IsBytes)
        {
            foreach (var element in output.Strings!)
            {
                json.WriteStringValue(Encoding.UTF8.GetString(element));
            }
            return;
        }
        var data = output.Data.Span;
        var type = output.Type;
        if (type == DataType.Bool)
        {
            foreach (var element in data)
            {
                json.WriteBooleanValue(element != 0);
            }
        }
        else if (type == DataType.Fp32)
        {
            foreach (var element in MemoryMarshal.Cast<byte, float>(data))
            {
                WriteReal(json, element);
            }
        }
        else if (type == DataType.Fp64)
        {
            foreach (var element in MemoryMarshal.Cast<byte, double>(data))
            {
                WriteReal(json, element);
            }
        }
        else if (type == DataType.Fp16)
        {
            foreach (var element in MemoryMarshal.Cast<byte, Half>(data))
            {
                WriteReal(json, (float)element);
            }
        }
        else if (type == DataType.Bf16)
        {
            foreach (var element in MemoryMarshal.Cast<byte, ushort>(data))
            {
                WriteReal(json, BFloat16Bits.ToSingle(element));
            }
        }
        else
        {
            WriteIntegers(json, type, data);
        }
    }

    private static void WriteIntegers(Utf8JsonWriter json, DataType type, ReadOnlySpan<byte> data)
    {
        for (var offset = 0; offset < data.Length; offset += type.Size)
        {
            var element = data.Slice(offset, type.Size);
            if (type == DataType.UInt64)
            {
                json.WriteNumberValue(MemoryMarshal.Read<ulong>(element));
                continue;
            }
            json.WriteNumberValue(type.OrtType switch
            {
                Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.UInt8 => element[0],
                Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Int8 => (sbyte)element[0],
                Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.UInt16 => MemoryMarshal.Read<ushort>(element),
                Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Int16 => MemoryMarshal.Read<short>(element),
                Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.UInt32 => MemoryMarshal.Read<uint>(element),
                Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Int32 => MemoryMarshal.Read<int>(element),
                _ => MemoryMarshal.Read<long>(element),
            });
        }
    }

    private static void WriteReal(Utf8JsonWriter json, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumberValue(value);
        }
        else
        {
            json.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }

    private static void WriteReal(Utf8JsonWriter json, float value)
    {
        if (float.IsFinite(value))
        {
            json.WriteNumberValue(value);
        }
        else
        {
            json.WriteStringValue(float.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }

    private static async Task WriteBinaryAsync(BufferedBody body, TensorData output, CancellationToken cancellationToken)
    {
        if (!output.Type.IsBytes)
        {
            for (var offset = 0; offset < output.Data.Length && !body.Closed; offset += BufferedBody.FlushThreshold)
            {
                body.Write(output.Data.Span.Slice(offset, Math.Min(BufferedBody.FlushThreshold, output.Data.Length - offset)));
                await body.FlushIfFullAsync(cancellationToken);
            }
            return;
        }
        foreach (var element in output.Strings!)
        {
            if (body.Closed)
            {
                return;
            }
            body.WriteLengthPrefixed(element);
            await body.FlushIfFullAsync(cancellationToken);
        }
    }

    /// <summary>Writes into the response's pipe without sending, and sends once <see cref="FlushThreshold"/> bytes wait, so a large answer is not held whole in memory.</summary>
    private sealed class BufferedBody(PipeWriter writer)
    {
        public const int FlushThreshold = 64 * 1024;
        private long _unflushed;

        /// <summary>The client has gone: nothing more needs writing.</summary>
        public bool Closed { get; private set; }

        public void Write(ReadOnlySpan<byte> bytes)
        {
            writer.Write(bytes);
            _unflushed += bytes.Length;
        }

        /// <summary>A BYTES element as the binary tensor extension carries it: a 4-byte little-endian length, then the bytes.</summary>
        public void WriteLengthPrefixed(ReadOnlySpan<byte> element)
        {
            Span<byte> length = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)element.Length);
            Write(length);
            Write(element);
        }

        public ValueTask FlushIfFullAsync(CancellationToken cancellationToken) =>
            _unflushed >= FlushThreshold ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;

        public async ValueTask FlushAsync(CancellationToken cancellationToken)
        {
            _unflushed = 0;
            var result = await writer.FlushAsync(cancellationToken);
            Closed = result.IsCompleted || result.IsCanceled;
        }
    }
}
