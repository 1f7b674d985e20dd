namespace Platform.Registry.Services;

/// <summary>
/// Reads the few top-level fields of an ONNX ModelProto that ONNX Runtime's C# API does not expose (IR version, opset imports),
/// straight from the protobuf wire format. It skips the graph by seeking, so a 2 GiB model costs a few reads.
/// </summary>
public static class OnnxHeaderReader
{
    private const int IrVersionField = 1;
    private const int OpsetImportField = 8;

    public sealed record Header(long? IrVersion, IReadOnlyDictionary<string, long> Opsets);

    public static Header Read(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
        long? irVersion = null;
        var opsets = new Dictionary<string, long>(StringComparer.Ordinal);
        while (file.Position < file.Length)
        {
            var (field, wireType) = ReadTag(file);
            if (field == IrVersionField && wireType == 0)
            {
                irVersion = (long)ReadVarint(file);
            }
            else if (field == OpsetImportField && wireType == 2)
            {
                var (domain, version) = ReadOpset(ReadBytes(file));
                opsets[domain] = version;
            }
            else
            {
                Skip(file, wireType);
            }
        }
        return new Header(irVersion, opsets);
    }

    private static (string Domain, long Version) ReadOpset(byte[] message)
    {
        using var stream = new MemoryStream(message);
        var domain = "";
        long version = 0;
        while (stream.Position < stream.Length)
        {
            var (field, wireType) = ReadTag(stream);
            if (field == 1 && wireType == 2)
            {
                domain = System.Text.Encoding.UTF8.GetString(ReadBytes(stream));
            }
            else if (field == 2 && wireType == 0)
            {
                version = (long)ReadVarint(stream);
            }
            else
            {
                Skip(stream, wireType);
            }
        }
        return (domain, version);
    }

    private static (int Field, int WireType) ReadTag(Stream stream)
    {
        var tag = ReadVarint(stream);
        return ((int)(tag >> 3), (int)(tag & 7));
    }

    private static ulong ReadVarint(Stream stream)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var next = stream.ReadByte();
            if (next < 0)
            {
                throw new InvalidDataException("The ONNX file ends inside a varint.");
            }
            value |= (ulong)(next & 0x7F) << shift;
            if ((next & 0x80) == 0)
            {
                return value;
            }
        }
        throw new InvalidDataException("The ONNX file has a varint longer than 64 bits.");
    }

    private static byte[] ReadBytes(Stream stream)
    {
        var length = checked((int)ReadVarint(stream));
        var bytes = new byte[length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    private static void Skip(Stream stream, int wireType)
    {
        var length = wireType switch
        {
            0 => Discard(ReadVarint(stream)),
            1 => 8,
            2 => checked((long)ReadVarint(stream)),
            5 => 4,
            _ => throw new InvalidDataException($"The ONNX file uses protobuf wire type {wireType}, which a ModelProto never has."),
        };
        if (stream.Position + length > stream.Length)
        {
            throw new InvalidDataException("The ONNX file ends inside a field.");
        }
        stream.Seek(length, SeekOrigin.Current);
    }

    private static long Discard(ulong _) => 0;
}
