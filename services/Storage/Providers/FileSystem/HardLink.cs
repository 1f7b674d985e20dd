using System.Runtime.InteropServices;

namespace Platform.Storage.Providers.FileSystem;

/// <summary>
/// link(2): gives a file a second name, failing atomically with EEXIST when that name is taken. It is the one
/// race-free "create only if absent" for a finished file (File.Move without overwrite checks, then renames).
/// </summary>
internal static partial class HardLink
{
    private const int EEXIST = 17;

    /// <returns>False when <paramref name="newPath"/> already exists.</returns>
    public static bool TryCreate(string existingPath, string newPath)
    {
        if (Link(existingPath, newPath) == 0)
        {
            return true;
        }
        var errno = Marshal.GetLastPInvokeError();
        if (errno == EEXIST)
        {
            return false;
        }
        throw new IOException($"Could not link '{newPath}' (errno {errno}: {Marshal.GetPInvokeErrorMessage(errno)}).");
    }

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existingPath, string newPath);
}
