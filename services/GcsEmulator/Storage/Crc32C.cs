using System.Buffers.Binary;
using System.Runtime.Intrinsics.X86;

namespace Platform.GcsEmulator.Storage;

/// <summary>CRC-32C (Castagnoli), the checksum GCS reports as <c>crc32c</c>: base64 of the big-endian 32-bit value.</summary>
public sealed class Crc32C
{
    private static readonly uint[] Table = BuildTable();
    private uint _crc = 0xFFFFFFFFu;

    public void Append(ReadOnlySpan<byte> data)
    {
        var crc = _crc;
        if (Sse42.X64.IsSupported)
        {
            // SSE 4.2's CRC32 instruction computes exactly CRC-32C, eight bytes at a time.
            ulong wide = crc;
            while (data.Length >= 8)
            {
                wide = Sse42.X64.Crc32(wide, BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[8..];
            }
            crc = (uint)wide;
        }
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }
        _crc = crc;
    }

    public uint Value => _crc ^ 0xFFFFFFFFu;

    public string ToBase64()
    {
        var value = Value;
        return Convert.ToBase64String([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
    }

    private static uint[] BuildTable()
    {
        const uint polynomial = 0x82F63B78u;
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var entry = i;
            for (var bit = 0; bit < 8; bit++)
            {
                entry = (entry & 1) != 0 ? (entry >> 1) ^ polynomial : entry >> 1;
            }
            table[i] = entry;
        }
        return table;
    }
}
