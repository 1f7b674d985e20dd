using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Platform.Registry.Auth;

namespace Platform.Registry.Extensions;

/// <summary>What the generated OpenAPI document cannot infer: how to authenticate, and the headers handlers read themselves.</summary>
public static class OpenApiExtensions
{
    public const string ApiKeyScheme = "ApiKey";
    public const string BearerScheme = "Bearer";

    public static void AddRegistryOpenApi(this IServiceCollection services) => services.AddOpenApi(options => options
        .AddDocumentTransformer(DeclareSecuritySchemes)
        .AddOperationTransformer(RequireCredentials));

    /// <summary>Declares an optional request header that the handler reads from the request rather than binds.</summary>
    public static RouteHandlerBuilder WithHeaderParameter(this RouteHandlerBuilder builder, string name, string description) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Header,
                Required = false,
                Description = description,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
            return Task.CompletedTask;
        });

    private static Task DeclareSecuritySchemes(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = AuthOptions.ApiKeyHeader,
            Description = "A registry API key; a read-only key can read but not write.",
        };
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = $"An HS256 token; writes need the scope {JwtOptions.WriteScope}.",
        };
        return Task.CompletedTask;
    }

    /// <summary>Every route that has an authorization policy accepts either scheme (reads may also pass anonymously in Development).</summary>
    private static Task RequireCredentials(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any())
        {
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, context.Document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] },
            ];
        }
        return Task.CompletedTask;
    }
}
