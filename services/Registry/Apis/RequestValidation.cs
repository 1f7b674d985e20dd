using System.Text.Json;
using Platform.Registry.Model;

namespace Platform.Registry.Apis;

/// <summary>Checks what a request asks to store against <see cref="Limits"/>, before anything is written; the messages go into a ValidationProblem.</summary>
internal static class RequestValidation
{
    public static Dictionary<string, string[]> ModelProblems(string? description, IReadOnlyList<string>? tags)
    {
        var problems = new Dictionary<string, string[]>();
        if (description is { Length: > Limits.DescriptionLength })
        {
            problems["description"] = [$"A description is at most {Limits.DescriptionLength} characters; this one has {description.Length}."];
        }
        var tagProblems = TagProblems(tags ?? []).ToArray();
        if (tagProblems.Length > 0)
        {
            problems["tags"] = tagProblems;
        }
        return problems;
    }

    public static string? LineageProblem(Lineage lineage)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(lineage, JsonSerializerOptions.Web).Length;
        return bytes > Limits.LineageBytes ? $"Lineage is at most {Limits.LineageBytes} bytes of JSON; this one has {bytes}." : null;
    }

    private static IEnumerable<string> TagProblems(IReadOnlyList<string?> tags)
    {
        if (tags.Count > Limits.TagCount)
        {
            yield return $"A model has at most {Limits.TagCount} tags; this one has {tags.Count}.";
        }
        if (tags.Any(string.IsNullOrWhiteSpace))
        {
            yield return "A tag cannot be empty.";
        }
        foreach (var tag in tags.Where(tag => tag is { Length: > Limits.TagLength }))
        {
            yield return $"A tag is at most {Limits.TagLength} characters; '{tag![..20]}...' has {tag.Length}.";
        }
    }
}
