using System.Text.RegularExpressions;

namespace Platform.Registry.Model;

/// <summary>Model and alias names are DNS labels, so they fit object keys, URLs, Kubernetes resource names and metrics labels unchanged.</summary>
public static partial class Names
{
    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsLabel();

    public static string? ModelNameProblem(string? name) =>
        name is not null && DnsLabel().IsMatch(name)
            ? null
            : "A model name is a DNS label: 1 to 63 lower-case letters, digits and '-', starting and ending with a letter or digit.";

    public static string? AliasNameProblem(string? alias)
    {
        if (alias is null || !DnsLabel().IsMatch(alias))
        {
            return "An alias is a DNS label: 1 to 63 lower-case letters, digits and '-', starting and ending with a letter or digit.";
        }
        // An all-digit alias would read as a version number wherever references are accepted.
        return alias.All(char.IsAsciiDigit) ? "An alias cannot be a number; numbers are versions." : null;
    }
}
