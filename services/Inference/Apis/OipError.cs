using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace Platform.Inference.Apis;

/// <summary>The protocol's error object, <c>{"error": "..."}</c>.</summary>
public sealed record ErrorResponse(string Error);

/// <summary>An error as the Open Inference Protocol spells it: a 4xx (or 5xx) status with <c>{"error": "..."}</c>.</summary>
public sealed class OipError(int statusCode, string message) : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<ErrorResponse>, IEndpointMetadataProvider
{
    public int StatusCode { get; } = statusCode;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public ErrorResponse Value { get; } = new(message);

    object? IValueHttpResult.Value => Value;

    public static OipError NotFound(string message) => new(StatusCodes.Status404NotFound, message);

    public static OipError BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);

    public static OipError Unavailable(string message) => new(StatusCodes.Status503ServiceUnavailable, message);

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCode;
        return httpContext.Response.WriteAsJsonAsync(Value);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        foreach (var status in new[] { StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable })
        {
            builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ErrorResponse), ["application/json"]));
        }
    }
}
