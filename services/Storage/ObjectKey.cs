using System.Text;

namespace Platform.Storage;

/// <summary>
/// The one set of key rules every provider enforces, so that a key valid in one store is valid in all of them
/// (and maps safely onto a file path): 1 to 1024 UTF-8 bytes, '/'-separated segments, none of them empty, "." or "..",
/// no leading '/', no '\', no control characters, and nothing under the reserved <see cref="ReservedPrefix"/>.
/// </summary>
public static class ObjectKey
{
    public const int MaxUtf8Bytes = 1024;

    /// <summary>Keys under this prefix belong to the stores themselves (staging areas for atomic uploads).</summary>
    public const string ReservedPrefix = ".platform/";

    /// <summary>Where providers stage large uploads before they appear under their final key.</summary>
    public const string StagingPrefix = ReservedPrefix + "staging/";

    public static void Validate(string key)
    {
        if (TryValidate(key, out var reason))
        {
            return;
        }
        throw new InvalidObjectKeyException(key ?? "", reason);
    }

    public static bool TryValidate(string? key, out string reason)
    {
        reason = "";
        if (string.IsNullOrEmpty(key))
        {
            reason = "a key cannot be empty.";
            return false;
        }
        if (Encoding.UTF8.GetByteCount(key) > MaxUtf8Bytes)
        {
            reason = $"a key is at most {MaxUtf8Bytes} bytes of UTF-8.";
            return false;
        }
        foreach (var c in key)
        {
            if (char.IsControl(c))
            {
                reason = "a key cannot contain control characters.";
                return false;
            }
            if (c == '\\')
            {
                reason = "a key cannot contain '\\'; use '/' to separate segments.";
                return false;
            }
        }
        if (key.StartsWith('/'))
        {
            reason = "a key cannot be an absolute path (leading '/').";
            return false;
        }
        foreach (var segment in key.Split('/'))
        {
            if (segment.Length == 0)
            {
                reason = "a key cannot have empty segments ('//' or a trailing '/').";
                return false;
            }
            if (segment is "." or "..")
            {
                reason = "a key cannot contain '.' or '..' segments.";
                return false;
            }
        }
        if (key.StartsWith(ReservedPrefix, StringComparison.Ordinal))
        {
            reason = $"keys under '{ReservedPrefix}' are reserved for the store itself.";
            return false;
        }
        return true;
    }

    /// <summary>A key as it can be safely put in a message or a log line.</summary>
    public static string Printable(string key)
    {
        var builder = new StringBuilder(Math.Min(key.Length, 200));
        foreach (var c in key.Length > 200 ? key[..200] : key)
        {
            builder.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c);
        }
        return key.Length > 200 ? builder.Append("...").ToString() : builder.ToString();
    }

    /// <summary>A fresh key under <see cref="StagingPrefix"/>.</summary>
    public static string NewStagingKey() => StagingPrefix + Guid.NewGuid().ToString("n");
}
