namespace Platform.Inference.Protocol;

/// <summary>bfloat16: the top half of an IEEE float32, rounded to nearest even.</summary>
public static class BFloat16Bits
{
    public static ushort FromSingle(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x0040);
        }
        var rounding = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + rounding) >> 16);
    }

    public static float ToSingle(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);
}
