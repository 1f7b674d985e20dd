using Microsoft.AspNetCore.Diagnostics;
using Platform.Inference.Grpc;

namespace Platform.Inference.Apis;

public static class InferenceEndpoints
{
    /// <summary>The middleware and every route of the server; Program.cs and the functional tests host exactly this.</summary>
    public static WebApplication MapInference(this WebApplication app)
    {
        // Whatever goes wrong outside a handler (no route, wrong method, an exception) still answers with the protocol's error object.
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = WriteUnhandledAsync, StatusCodeSelector = StatusOf });
        app.UseStatusCodePages(context => new OipError(context.HttpContext.Response.StatusCode,
            $"{context.HttpContext.Request.Method} {context.HttpContext.Request.Path} answers {context.HttpContext.Response.StatusCode}.").ExecuteAsync(context.HttpContext));

        app.UseGrpcCalls();
        app.MapOpenApi();
        app.MapDefaultEndpoints();
        app.MapServerApi();
        app.MapModelsApi();
        app.MapStatisticsApi();
        app.MapRepositoryApi();
        app.MapMetricsApi();
        app.MapGrpcService<GrpcInferenceService>();
        return app;
    }

    private static int StatusOf(Exception exception) =>
        exception is BadHttpRequestException badRequest ? badRequest.StatusCode : StatusCodes.Status500InternalServerError;

    private static Task WriteUnhandledAsync(HttpContext context)
    {
        var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var message = exception is BadHttpRequestException ? exception.Message : "The server failed to handle the request.";
        return new OipError(context.Response.StatusCode, message).ExecuteAsync(context);
    }
}
