using Microsoft.Net.Http.Headers;
using Platform.Registry.Model;

namespace Platform.Registry.Apis;

/// <summary>An alias's ETag is its stamp, which changes on every move; If-Match compares it strongly (RFC 9110 §13.1.1).</summary>
internal static class AliasETag
{
    public static string Of(ModelAlias alias) => $"\"{alias.Stamp:n}\"";

    /// <summary>Whether the preconditions of <paramref name="request"/> allow a change to <paramref name="current"/> (null: no such alias).</summary>
    public static bool PreconditionsHold(HttpRequest request, ModelAlias? current)
    {
        var headers = request.GetTypedHeaders();
        if (headers.IfMatch.Count > 0 && (current is null || !headers.IfMatch.Any(tag => Matches(tag, current))))
        {
            return false;
        }
        return headers.IfNoneMatch.Count == 0 || current is null || !headers.IfNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || Matches(tag, current));
    }

    private static bool Matches(EntityTagHeaderValue tag, ModelAlias alias) =>
        tag.Equals(EntityTagHeaderValue.Any) || (!tag.IsWeak && tag.Tag.Equals(Of(alias), StringComparison.Ordinal));
}
