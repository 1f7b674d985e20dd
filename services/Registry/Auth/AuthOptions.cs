namespace Platform.Registry.Auth;

/// <summary>
/// The <c>Registry:Auth</c> section. Keys and the signing key are secrets: the AppHost passes them from secret parameters,
/// Kubernetes from secrets. They are compared, never logged.
/// </summary>
public sealed class AuthOptions
{
    public const string SectionName = "Registry:Auth";

    /// <summary>The header that carries an API key.</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>API keys by the name of who holds them; the name is what createdBy and the alias audit record.</summary>
    public Dictionary<string, ApiKeyOptions> ApiKeys { get; set; } = new(StringComparer.Ordinal);

    public JwtOptions Jwt { get; set; } = new();

    /// <summary>Let reads through without credentials. Null: only in the Development environment.</summary>
    public bool? AnonymousReads { get; set; }

    public IEnumerable<string> Problems()
    {
        if (ApiKeys.Count == 0 && string.IsNullOrEmpty(Jwt.SigningKey))
        {
            yield return $"{SectionName}: configure at least one API key (ApiKeys:<holder>:Key) or Jwt:SigningKey; otherwise nobody can write.";
        }
        foreach (var (holder, key) in ApiKeys)
        {
            if (key.Key is null || key.Key.Length < 16)
            {
                yield return $"{SectionName}:ApiKeys:{holder}:Key must be at least 16 characters.";
            }
        }
        if (!string.IsNullOrEmpty(Jwt.SigningKey) && Jwt.SigningKey.Length < 32)
        {
            yield return $"{SectionName}:Jwt:SigningKey must be at least 32 characters (HS256 needs 256 bits).";
        }
    }
}

public sealed class ApiKeyOptions
{
    public string? Key { get; set; }

    public RegistryAccess Access { get; set; } = RegistryAccess.ReadWrite;
}

public enum RegistryAccess
{
    Read,
    ReadWrite,
}

/// <summary>Bearer tokens signed with a shared HS256 key. Writes need the <see cref="WriteScope"/> scope.</summary>
public sealed class JwtOptions
{
    public const string WriteScope = "registry:write";

    public string? SigningKey { get; set; }

    public string Issuer { get; set; } = "platform";

    public string Audience { get; set; } = "platform-registry";
}
