using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Platform.Registry.Auth;

/// <summary>Authenticates the <c>X-Api-Key</c> header against the configured keys, in constant time.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<AuthOptions> auth) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(AuthOptions.ApiKeyHeader, out var presented) || presented.Count != 1 || string.IsNullOrEmpty(presented[0]))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        // Hashing both sides first gives equal lengths, so FixedTimeEquals leaks neither content nor length.
        var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presented[0]!));
        foreach (var (holder, key) in auth.Value.ApiKeys)
        {
            if (key.Key is not null && CryptographicOperations.FixedTimeEquals(presentedHash, SHA256.HashData(Encoding.UTF8.GetBytes(key.Key))))
            {
                var claims = new List<Claim> { new(ClaimTypes.Name, holder) };
                if (key.Access == RegistryAccess.ReadWrite)
                {
                    claims.Add(new Claim("scope", JwtOptions.WriteScope));
                }
                var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
                return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
            }
        }
        return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));
    }
}
