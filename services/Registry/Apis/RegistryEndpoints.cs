using Scalar.AspNetCore;

namespace Platform.Registry.Apis;

public static class RegistryEndpoints
{
    /// <summary>The middleware and every route of the registry; Program.cs and the functional tests host exactly this.</summary>
    public static WebApplication MapRegistry(this WebApplication app)
    {
        // Unhandled exceptions and bare status codes (401, 403, 404 from routing, 415) all answer as ProblemDetails.
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapOpenApi();
        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference();
        }
        app.MapDefaultEndpoints();
        app.MapModelsApi();
        app.MapVersionsApi();
        app.MapArtifactsApi();
        app.MapAliasesApi();
        app.MapReplicationApi();
        return app;
    }
}
