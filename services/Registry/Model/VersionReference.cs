using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Platform.Registry.Model;

/// <summary>
/// Points at one version: by number (<c>3</c>) or through an alias (<c>@production</c>, or just <c>production</c>).
/// A full reference adds the model: <c>name/3</c> or <c>name@production</c>.
/// </summary>
public sealed record VersionReference(int? Number, string? Alias)
{
    public override string ToString() => Number is { } number ? number.ToString(CultureInfo.InvariantCulture) : "@" + Alias;

    /// <summary>Parses the part after the model name.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out VersionReference? reference, [NotNullWhen(false)] out string? problem)
    {
        reference = null;
        problem = null;
        if (string.IsNullOrEmpty(text))
        {
            problem = "A version reference is a version number or an alias.";
            return false;
        }
        if (text.All(char.IsAsciiDigit))
        {
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0)
            {
                reference = new VersionReference(number, null);
                return true;
            }
            problem = $"'{text}' is not a valid version number.";
            return false;
        }
        var alias = text.StartsWith('@') ? text[1..] : text;
        problem = Names.AliasNameProblem(alias);
        if (problem is not null)
        {
            return false;
        }
        reference = new VersionReference(null, alias);
        return true;
    }

    /// <summary>Parses <c>name@alias</c> or <c>name/version</c>.</summary>
    public static bool TryParseFull(string? text, [NotNullWhen(true)] out string? model, [NotNullWhen(true)] out VersionReference? reference,
        [NotNullWhen(false)] out string? problem)
    {
        model = null;
        reference = null;
        var separator = text?.IndexOfAny(['@', '/']) ?? -1;
        if (text is null || separator <= 0)
        {
            problem = "A reference is 'name@alias' or 'name/version'.";
            return false;
        }
        model = text[..separator];
        problem = Names.ModelNameProblem(model);
        if (problem is not null || !TryParse(text[separator] == '@' ? "@" + text[(separator + 1)..] : text[(separator + 1)..], out reference, out problem))
        {
            model = null;
            return false;
        }
        return true;
    }
}
