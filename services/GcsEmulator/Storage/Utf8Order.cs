namespace Platform.GcsEmulator.Storage;

/// <summary>
/// GCS lists names in the order of their UTF-8 bytes, which is code point order. UTF-16 ordinal order differs from it where
/// a surrogate pair (U+10000 and up) meets a character from U+E000 to U+FFFF, so names are compared here by code point.
/// </summary>
public sealed class Utf8Order : IComparer<string>
{
    public static readonly Utf8Order Instance = new();

    public int Compare(string? x, string? y)
    {
        var left = x.AsSpan();
        var right = y.AsSpan();
        var common = left.CommonPrefixLength(right);
        if (common == left.Length || common == right.Length)
        {
            return left.Length.CompareTo(right.Length);
        }
        return Rank(left[common]).CompareTo(Rank(right[common]));
    }

    // Within a pair, high and low surrogates each keep code point order; a surrogate outranks every BMP character.
    private static int Rank(char c) => char.IsSurrogate(c) ? c + 0x10000 : c;
}
