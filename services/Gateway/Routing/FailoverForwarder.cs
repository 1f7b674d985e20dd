using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Platform.Gateway.Extensions;
using Yarp.ReverseProxy.Forwarder;

namespace Platform.Gateway.Routing;

/// <summary>
/// Forwards one Open Inference Protocol request (REST, or a gRPC call: <see cref="GrpcCalls"/>) with YARP's forwarder to the
/// best cloud for its model, and, when that cloud cannot answer (no connection, a timeout, 502/503/504 or gRPC's UNAVAILABLE,
/// or 404/NOT_FOUND for a model it does not have), to the next: inference is
/// idempotent, so the client sees an answer as long as one cloud can give it. The request body is buffered first (up to
/// <see cref="GatewayOptions.MaxRetriedBodyBytes"/>; larger gets 413) so it can be sent again; a response is never retried
/// once it started.
/// </summary>
public sealed class FailoverForwarder(IHttpForwarder forwarder, Clouds clouds, GatewayMetrics metrics, IOptions<GatewayOptions> options,
    ILogger<FailoverForwarder> logger) : IDisposable
{
    /// <summary>The response header that names the cloud that answered.</summary>
    public const string ServedByHeader = "X-Served-By-Cloud";

    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(2),
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        // A cloud spoken to over HTTP/2 takes up to 100 concurrent requests on a connection (Kestrel's default); beyond that,
        // another connection rather than a queue.
        EnableMultipleHttp2Connections = true,
    });

    public async Task ForwardAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var grpc = GrpcCalls.IsCall(context.Request);
        var settings = options.Value;
        if (!await BufferBodyAsync(context, settings.MaxRetriedBodyBytes, settings.InMemoryBodyBytes))
        {
            var tooLarge = $"The request body is larger than the gateway's limit of {settings.MaxRetriedBodyBytes} bytes.";
            await (grpc
                ? GrpcCalls.RefuseAsync(context, GrpcCalls.ResourceExhausted, tooLarge)
                : WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, tooLarge));
            return;
        }
        var model = grpc ? GrpcCalls.ModelOf(context.Request) : ModelOf(context.Request.Path);
        if (model is not null)
        {
            clouds.Remember(model);
        }
        // gRPC needs HTTP/2 all the way: only the clouds spoken to over it can take a call.
        var candidates = grpc ? clouds.Order(model).Where(cloud => cloud.Http2).ToList() : clouds.Order(model);
        for (var index = 0; index < candidates.Count; index++)
        {
            var cloud = candidates[index];
            var last = index == candidates.Count - 1;
            var transformer = new FailoverTransformer(cloud.Name, model, last);
            if (index > 0)
            {
                Reset(context);
            }
            var config = new ForwarderRequestConfig { ActivityTimeout = settings.RequestTimeout, Version = cloud.HttpVersion, VersionPolicy = cloud.HttpVersionPolicy };
            var error = await SendAsync(context, cloud, config, transformer);
            if (error == ForwarderError.None && transformer.Refused is null)
            {
                metrics.Served(cloud.Name, context.Response.StatusCode, Stopwatch.GetElapsedTime(started));
                return;
            }
            if (transformer.Refused is not null && model is not null)
            {
                // The server answers, but not for this model now: the cloud stays in, the model there is out until a probe says otherwise.
                cloud.ModelProbed(model, ready: false);
            }
            else if (error != ForwarderError.None)
            {
                cloud.Failed();
            }
            var reason = error != ForwarderError.None ? error.ToString() : transformer.Refused!;
            metrics.FailedOver(cloud.Name, reason);
            logger.LogWarning("Cloud {Cloud} could not answer {Method} {Path} ({Reason}){Next}", cloud.Name, context.Request.Method, context.Request.Path,
                reason, last || context.Response.HasStarted ? "" : "; trying the next cloud");
            if (last || context.Response.HasStarted)
            {
                break;
            }
        }
        metrics.Unserved();
        if (!context.Response.HasStarted)
        {
            Reset(context);
            var unserved = candidates.Count == 0
                ? "No cloud is spoken to over HTTP/2, which gRPC needs (Gateway:Clouds:<cloud>:Http2)."
                : $"No cloud could serve {context.Request.Method} {context.Request.Path} (tried {string.Join(", ", candidates.Select(cloud => cloud.Name))}).";
            await (grpc
                ? GrpcCalls.RefuseAsync(context, GrpcCalls.Unavailable, unserved)
                : WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, unserved));
        }
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string error)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { error });
    }

    /// <summary>
    /// One attempt at one cloud; abandoned when the cloud is taken out before its answer began, so that the request can go to
    /// the next cloud. An answer already being copied to the client is left to finish.
    /// </summary>
    private async Task<ForwarderError> SendAsync(HttpContext context, CloudState cloud, ForwarderRequestConfig config, FailoverTransformer transformer)
    {
        using var attempt = new CancellationTokenSource();
        using var abandon = cloud.WentDown.Register(() =>
        {
            if (!transformer.Answered)
            {
                attempt.Cancel();
            }
        });
        return await forwarder.SendAsync(context, cloud.Url.ToString(), _client, config, transformer, attempt.Token);
    }

    /// <summary>
    /// Reads the whole body into a rewindable buffer (<see cref="BodyBuffer"/>), so every attempt can send it again, whether
    /// the client gave its length or streamed it chunked; false when it exceeds <paramref name="limit"/>.
    /// </summary>
    private static async Task<bool> BufferBodyAsync(HttpContext context, int limit, int inMemoryBytes)
    {
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == false)
        {
            return true;
        }
        if (context.Request.ContentLength > limit)
        {
            return false;
        }
        try
        {
            var kept = await BodyBuffer.ReadAsync(context.Request.Body, context.Request.ContentLength, limit, inMemoryBytes, context.RequestAborted);
            if (kept is null)
            {
                return false;
            }
            context.Response.RegisterForDisposeAsync(kept);
            context.Request.Body = kept;
            return true;
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Past the server's own body limit (Kestrel's MaxRequestBodySize), where that is the lower one.
            return false;
        }
    }

    /// <summary>Clears what a failed attempt left, so the next one starts clean: the forwarder's error, the status, the body position.</summary>
    private static void Reset(HttpContext context)
    {
        context.Features.Set<IForwarderErrorFeature>(null);
        context.Response.Clear();
        if (context.Request.Body.CanSeek)
        {
            context.Request.Body.Position = 0;
        }
    }

    /// <summary>
    /// The model a protocol path is about: <c>/v2/models/{name}/...</c>; null for server-wide paths, among them
    /// <c>/v2/models/stats</c> (Triton's statistics of every model), which would otherwise be taken for a model named "stats".
    /// </summary>
    public static string? ModelOf(PathString path)
    {
        var segments = path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return segments switch
        {
            ["v2", "models", "stats"] => null,
            ["v2", "models", var name, ..] => Uri.UnescapeDataString(name),
            _ => null,
        };
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Copies the answer through, except an answer another cloud may do better on, which it holds back while there is another cloud to try.</summary>
    private sealed class FailoverTransformer(string cloud, string? model, bool last) : HttpTransformer
    {
        // Read by the callback that abandons the attempt, on another thread.
        private volatile bool _answered;

        /// <summary>Why the answer was held back ("HTTP 503", "gRPC status 14"); null when it was copied through.</summary>
        public string? Refused { get; private set; }

        /// <summary>The cloud's answer has begun (its response headers arrived).</summary>
        public bool Answered => _answered;

        public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
        {
            _answered = proxyResponse is not null;
            if (!last && proxyResponse is not null && Retriable(proxyResponse) is { } reason)
            {
                Refused = reason;
                return false;
            }
            var proceed = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
            httpContext.Response.Headers[ServedByHeader] = cloud;
            return proceed;
        }

        /// <summary>
        /// Unavailable (502, 503, 504; gRPC's UNAVAILABLE), or, for a request about a model, not found there (404; gRPC's
        /// NOT_FOUND): another cloud may answer. A gRPC call refused before its message comes as HTTP 200 with its status in
        /// the headers (trailers-only), which is the only gRPC failure that can be retried: any other has begun its answer.
        /// </summary>
        private string? Retriable(HttpResponseMessage response)
        {
            var status = response.StatusCode;
            if (status is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout
                || (status == HttpStatusCode.NotFound && model is not null))
            {
                return $"HTTP {(int)status}";
            }
            if (status == HttpStatusCode.OK && response.Headers.TryGetValues("grpc-status", out var values)
                && int.TryParse(values.FirstOrDefault(), out var grpcStatus)
                && (grpcStatus == GrpcCalls.Unavailable || (grpcStatus == GrpcCalls.NotFound && model is not null)))
            {
                return $"gRPC status {grpcStatus}";
            }
            return null;
        }
    }
}
