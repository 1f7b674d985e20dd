using Platform.Registry.Auth;

namespace Platform.Registry.Extensions;

public static class ProblemDetailsExtensions
{
    /// <summary>ProblemDetails for every error; the bare 401, 403 and 415 that no handler wrote also say what would get through.</summary>
    public static void AddRegistryProblemDetails(this IServiceCollection services) => services.AddProblemDetails(options =>
        options.CustomizeProblemDetails = context => context.ProblemDetails.Detail ??= context.ProblemDetails.Status switch
        {
            StatusCodes.Status401Unauthorized => $"Send a valid API key in the {AuthOptions.ApiKeyHeader} header or a valid bearer token.",
            StatusCodes.Status403Forbidden =>
                $"These credentials can read but not write: writes need a read-write API key or a token with the scope {JwtOptions.WriteScope}.",
            // Routing answers a body it cannot take before any handler runs.
            StatusCodes.Status415UnsupportedMediaType =>
                "This route does not take a body of that Content-Type: artifacts are application/octet-stream or application/onnx, everything else application/json.",
            _ => null,
        });
}
