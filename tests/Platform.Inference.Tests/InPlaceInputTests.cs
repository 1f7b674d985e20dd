using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Http;
using Platform.Inference.Apis;
using Platform.Inference.Protocol;
using Platform.Inference.Runtime;

namespace Platform.Inference.Tests;

/// <summary>A lone request's binary tensor goes to ONNX Runtime where it lies in the request's body, when it is aligned.</summary>
public sealed class InPlaceInputTests
{
    private static readonly TensorSpec Spec = new("input", DataType.Fp32, [-1, 4]);
    private static readonly float[] Row = [1f, 2f, 3f, 4f];

    [Fact]
    public void An_aligned_lone_tensor_is_not_copied()
    {
        var bytes = MemoryMarshal.AsBytes(Row.AsSpan()).ToArray();
        var pins = new List<GCHandle>();
        try
        {
            using var value = TensorConversion.ToOrtValue(Spec, [TensorData.Fixed("input", DataType.Fp32, [1, 4], bytes)], pins);
            Assert.True(value.GetTensorMutableRawData().Overlaps(bytes), "The tensor was copied.");
            Assert.Single(pins);
        }
        finally
        {
            pins.ForEach(pin => pin.Free());
        }
    }

    [Fact]
    public void A_misaligned_or_batched_tensor_is_copied_whole()
    {
        var misaligned = new byte[17];
        MemoryMarshal.AsBytes(Row.AsSpan()).CopyTo(misaligned.AsSpan(1));
        var row = TensorData.Fixed("input", DataType.Fp32, [1, 4], misaligned.AsMemory(1, 16));
        var pins = new List<GCHandle>();

        using var single = TensorConversion.ToOrtValue(Spec, [row], pins);
        Assert.False(single.GetTensorMutableRawData().Overlaps(misaligned));
        Assert.Equal(Row, single.GetTensorDataAsSpan<float>().ToArray());

        using var batch = TensorConversion.ToOrtValue(Spec, [row, row], pins);
        Assert.Equal([.. Row, .. Row], batch.GetTensorDataAsSpan<float>().ToArray());
        Assert.Empty(pins);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(13)]
    [InlineData(101)]
    public async Task The_body_is_read_so_that_its_binary_data_starts_8_byte_aligned(int jsonLength)
    {
        var content = Enumerable.Range(0, jsonLength + 64).Select(i => (byte)i).ToArray();
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(content);
        context.Request.ContentLength = content.Length;

        using var body = await RequestBody.ReadAsync(context.Request, 1024 * 1024, TestContext.Current.CancellationToken, alignedAt: jsonLength);

        Assert.Equal(content, body.Span.ToArray());
        Assert.True(MemoryMarshal.TryGetArray(body.Memory, out var segment));
        var pin = GCHandle.Alloc(segment.Array, GCHandleType.Pinned);
        try
        {
            Assert.Equal(0, (pin.AddrOfPinnedObject() + segment.Offset + jsonLength) % 8);
        }
        finally
        {
            pin.Free();
        }
    }
}
