namespace Platform.Registry.Model;

/// <summary>
/// The sizes the registry accepts. They are checked before anything is written, so every database answers alike: PostgreSQL
/// would refuse a longer description, SQLite would quietly keep it.
/// </summary>
public static class Limits
{
    /// <summary>A model's description, in UTF-16 code units (never more characters than PostgreSQL's column holds).</summary>
    public const int DescriptionLength = 4000;

    public const int TagCount = 32;

    public const int TagLength = 64;

    /// <summary>A version's lineage as UTF-8 JSON, sent in the body of PUT .../lineage.</summary>
    public const int LineageBytes = 64 * 1024;

    /// <summary>
    /// Lineage in the X-Lineage header. Proxies commonly refuse longer header lines, and Kestrel refuses all of a request's
    /// headers beyond 32 KiB with a bare 431 before the registry sees the request; below that, the registry says why.
    /// </summary>
    public const int LineageHeaderBytes = 8 * 1024;
}
