using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Platform.Registry.Auth;

namespace Platform.Registry.Tests.Hosting;

/// <summary>Issues HS256 bearer tokens the way a platform identity service configured with the same key would.</summary>
public static class TestTokens
{
    public static string Create(string subject, string signingKey, string scope) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Subject = new ClaimsIdentity([new Claim("sub", subject), new Claim("scope", scope)]),
        Issuer = new JwtOptions().Issuer,
        Audience = new JwtOptions().Audience,
        Expires = DateTime.UtcNow.AddMinutes(10),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), SecurityAlgorithms.HmacSha256),
    });
}
