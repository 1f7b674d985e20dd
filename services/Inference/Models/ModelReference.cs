using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Platform.Inference.Models;

/// <summary>A registry reference: <c>name@alias</c> (follows the alias as it moves) or <c>name/version</c> (pinned).</summary>
public sealed partial record ModelReference(string Model, string? Alias, int? Version)
{
    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsLabel();

    public override string ToString() => Alias is not null ? $"{Model}@{Alias}" : $"{Model}/{Version}";

    public static bool IsName(string? text) => text is not null && DnsLabel().IsMatch(text);

    public static bool TryParse(string? text, [NotNullWhen(true)] out ModelReference? reference)
    {
        reference = null;
        var separator = text?.IndexOfAny(['@', '/']) ?? -1;
        if (text is null || separator <= 0 || !IsName(text[..separator]))
        {
            return false;
        }
        var rest = text[(separator + 1)..];
        if (text[separator] == '@')
        {
            if (!IsName(rest) || rest.All(char.IsAsciiDigit))
            {
                return false;
            }
            reference = new ModelReference(text[..separator], rest, null);
            return true;
        }
        if (!rest.All(char.IsAsciiDigit) || !int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version <= 0)
        {
            return false;
        }
        reference = new ModelReference(text[..separator], null, version);
        return true;
    }
}
