namespace Platform.Inference.Bench;

/// <summary>
/// One row of the report: <see cref="Model"/> under single-row requests at <see cref="Concurrency"/>, beside ONNX Runtime in
/// process running batches of <see cref="BaselineBatch"/> rows one after another (for concurrency 1, batch 1; above it, the
/// batch that perfect dynamic batching would form). Requests go over HTTP with wrk, or over gRPC (<see cref="Grpc"/>) from a
/// .NET gRPC client in the benchmark's own process; over HTTP, straight to the server or through the gateway
/// (<see cref="Gateway"/>).
/// </summary>
public sealed record BenchCase(string Name, BenchModel Model, int Concurrency, int BaselineBatch, bool Grpc = false, GatewayHop Gateway = GatewayHop.None);

/// <summary>How a request reaches the server: straight, or through the platform's gateway, which speaks to it over HTTP/1.1 (as deployed) or HTTP/2 (as the AppHost sets it up).</summary>
public enum GatewayHop
{
    None,
    Http1,
    Http2,
}
