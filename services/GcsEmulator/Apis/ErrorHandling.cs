using Platform.GcsEmulator.Storage;

namespace Platform.GcsEmulator.Apis;

public static class ErrorHandling
{
    /// <summary>Answers every <see cref="GcsException"/> with GCS's error JSON, and malformed requests with a GCS-shaped 400.</summary>
    public static IApplicationBuilder UseGcsErrors(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context);
        }
        catch (Exception exception) when (exception is GcsException or BadHttpRequestException or FormatException or InvalidDataException or System.Text.Json.JsonException
            && !context.Response.HasStarted)
        {
            var error = exception as GcsException ?? GcsException.Invalid(exception.Message);
            await Wire.Error(error).ExecuteAsync(context);
        }
    });
}
