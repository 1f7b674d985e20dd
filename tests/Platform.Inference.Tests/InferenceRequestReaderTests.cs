using System.Text;
using Platform.Inference.Protocol;
using Platform.Inference.Runtime;

namespace Platform.Inference.Tests;

/// <summary>How a request's binary tensor data is held between the body and the run.</summary>
public sealed class InferenceRequestReaderTests
{
    private static readonly ModelSignature Signature = new(
        [new TensorSpec("input", DataType.Fp32, [-1, 4]), new TensorSpec("names", DataType.Bytes, [-1])],
        [new TensorSpec("output", DataType.Fp32, [-1, 3])]);

    [Fact]
    public void Fixed_size_binary_data_is_read_in_place_and_bytes_elements_are_copied_out()
    {
        var header = """{"inputs":[{"name":"input","datatype":"FP32","shape":[2,4],"parameters":{"binary_data_size":32}},{"name":"names","datatype":"BYTES","shape":[1],"parameters":{"binary_data_size":6}}]}"""u8;
        var floats = Enumerable.Range(0, 8).Select(i => (float)i).ToArray();
        byte[] body = [.. header, .. floats.SelectMany(BitConverter.GetBytes), 2, 0, 0, 0, .. "hi"u8];

        var request = InferenceRequestReader.Read(body, header.Length, Signature);

        var input = request.Inputs.Single(tensor => tensor.Name == "input");
        Assert.True(input.Data.Span.Overlaps(body.AsSpan(header.Length, 32)), "The tensor was copied out of the body.");
        Assert.Equal(floats, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(input.Data.Span).ToArray());
        var names = request.Inputs.Single(tensor => tensor.Name == "names");
        Assert.Equal("hi", Encoding.UTF8.GetString(Assert.Single(names.Strings!)));
        Assert.False(names.Strings![0].AsSpan().Overlaps(body));
    }
}
