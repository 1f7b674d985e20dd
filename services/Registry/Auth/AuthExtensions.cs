using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Platform.Registry.Extensions;

namespace Platform.Registry.Auth;

public static class AuthExtensions
{
    public const string ReadPolicy = "registry-read";
    public const string WritePolicy = "registry-write";

    /// <summary>Picks the API-key handler when its header is present, the bearer handler otherwise.</summary>
    private const string SelectorScheme = "ApiKeyOrBearer";

    public static void AddRegistryAuth(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(AuthOptions.SectionName);
        builder.Services.AddOptions<AuthOptions>().Bind(section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuthOptions>>(new ProblemsValidator<AuthOptions>(options => options.Problems()));

        builder.Services.AddAuthentication(SelectorScheme)
            .AddPolicyScheme(SelectorScheme, "API key or bearer token", scheme => scheme.ForwardDefaultSelector = context =>
                context.Request.Headers.ContainsKey(AuthOptions.ApiKeyHeader) ? ApiKeyAuthenticationHandler.SchemeName : JwtBearerDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, _ => { })
            .AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IOptions<AuthOptions>>((jwt, auth) =>
        {
            var settings = auth.Value.Jwt;
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = settings.Issuer,
                ValidAudience = settings.Audience,
                NameClaimType = "sub",
                // Without a configured key no token can validate, which is the intent: API keys only.
                IssuerSigningKey = string.IsNullOrEmpty(settings.SigningKey) ? null : new SymmetricSecurityKey(Encoding.UTF8.GetBytes(settings.SigningKey)),
            };
        });

        var anonymousReads = section.GetValue<bool?>(nameof(AuthOptions.AnonymousReads)) ?? builder.Environment.IsDevelopment();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(WritePolicy, policy => policy.RequireAuthenticatedUser().RequireAssertion(context => context.User.CanWrite()))
            .AddPolicy(ReadPolicy, policy =>
            {
                if (anonymousReads)
                {
                    policy.RequireAssertion(_ => true);
                }
                else
                {
                    policy.RequireAuthenticatedUser();
                }
            });
    }

    /// <summary>Who is acting, as recorded in createdBy and the alias audit.</summary>
    public static string Actor(this ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";

    private static bool CanWrite(this ClaimsPrincipal user) =>
        user.FindAll("scope").Any(claim => claim.Value.Split(' ').Contains(JwtOptions.WriteScope, StringComparer.Ordinal));
}
