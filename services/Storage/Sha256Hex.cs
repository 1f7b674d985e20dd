using System.Security.Cryptography;

namespace Platform.Storage;

public static class Sha256Hex
{
    /// <summary>The user-metadata name every provider stores the hash under.</summary>
    public const string MetadataName = "sha256";

    public static string Of(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    public static async Task<string> OfAsync(Stream data, CancellationToken cancellationToken = default) =>
        Convert.ToHexStringLower(await SHA256.HashDataAsync(data, cancellationToken));

    public static bool IsValid(string? value) =>
        value is { Length: 64 } && value.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    public static string Normalize(string value) => value.ToLowerInvariant();
}
