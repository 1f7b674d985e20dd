using System.Runtime.InteropServices;
using System.Text;

namespace Platform.Storage.Providers.FileSystem;

/// <summary>
/// User extended attributes (xattr) on Linux and macOS: metadata that lives on the file's inode, so it moves with an atomic
/// rename and can never disagree with the bytes it describes.
/// </summary>
internal static partial class ExtendedAttributes
{
    private const int ENODATA = 61;
    private const int ENOATTR_MACOS = 93;

    public static void Set(string path, string name, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var result = OperatingSystem.IsMacOS()
            ? SetXattrMac(path, name, bytes, (nuint)bytes.Length, 0, 0)
            : SetXattrLinux(path, name, bytes, (nuint)bytes.Length, 0);
        if (result != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException(
                $"Could not set extended attribute '{name}' on '{path}' (errno {errno}: {Marshal.GetPInvokeErrorMessage(errno)}). " +
                "The FileSystem store needs a file system with user extended attributes (ext4, xfs, btrfs, APFS).");
        }
    }

    public static string? Get(string path, string name)
    {
        var buffer = new byte[4096];
        while (true)
        {
            var length = OperatingSystem.IsMacOS()
                ? GetXattrMac(path, name, buffer, (nuint)buffer.Length, 0, 0)
                : GetXattrLinux(path, name, buffer, (nuint)buffer.Length);
            if (length >= 0)
            {
                return Encoding.UTF8.GetString(buffer, 0, (int)length);
            }
            var errno = Marshal.GetLastPInvokeError();
            if (errno is ENODATA or ENOATTR_MACOS)
            {
                return null;
            }
            if (errno == 34 && buffer.Length < 1 << 20)
            {
                buffer = new byte[buffer.Length * 4];
                continue;
            }
            if (errno == 2)
            {
                throw new FileNotFoundException($"'{path}' does not exist.", path);
            }
            throw new IOException($"Could not read extended attribute '{name}' of '{path}' (errno {errno}: {Marshal.GetPInvokeErrorMessage(errno)}).");
        }
    }

    [LibraryImport("libc", EntryPoint = "setxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetXattrLinux(string path, string name, byte[] value, nuint size, int flags);

    [LibraryImport("libc", EntryPoint = "getxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint GetXattrLinux(string path, string name, byte[] value, nuint size);

    [LibraryImport("libc", EntryPoint = "setxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetXattrMac(string path, string name, byte[] value, nuint size, uint position, int options);

    [LibraryImport("libc", EntryPoint = "getxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint GetXattrMac(string path, string name, byte[] value, nuint size, uint position, int options);
}
