namespace Platform.Inference.Protocol;

/// <summary>A request the server will not run, with the reason the client is told and the HTTP status it gets.</summary>
public sealed class ProtocolException(string message, int statusCode = StatusCodes.Status400BadRequest) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}
