using Grpc.Net.Client;
using Platform.Inference.Grpc.Protocol;
using Platform.Inference.Protocol;
using Platform.Testing;

namespace Platform.Inference.Tests.Hosting;

/// <summary>
/// One server for the protocol tests, serving local files: an OnnxSharp MLP (<c>mlp</c>, 4 → 8 → 3), the ML.NET house-price and
/// iris models, a model with fixed shapes (<c>fixed</c>), a lookup table (<c>lookup</c>) and an identity model per datatype
/// (<c>identity-fp32</c>, <c>identity-bytes</c>, ...), over HTTP and over gRPC on a port of its own.
/// </summary>
public sealed class ProtocolFixture : IAsyncLifetime
{
    public const string RepositoryKey = "repository-key-for-tests";

    /// <summary>Small, so the 413 test needs only a small body.</summary>
    public const int MaxRequestBytes = 256 * 1024;

    public static readonly byte[] Mlp = SampleModels.SampleModels.Mlp(4, [8], 3);

    private readonly ModelFolder _models = new();

    public InProcessServer Server { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>The server's gRPC endpoint (<c>Inference:GrpcPort</c>).</summary>
    public GrpcChannel Channel { get; private set; } = null!;

    public GRPCInferenceService.GRPCInferenceServiceClient Grpc { get; private set; } = null!;

    public ModelFolder Models => _models;

    public static string IdentityModel(DataType type) => "identity-" + type.Name.ToLowerInvariant();

    public async ValueTask InitializeAsync()
    {
        _models.Add("mlp", Mlp, version: "7");
        _models.Add("house", SampleModels.SampleModels.HousePrice());
        _models.Add("iris", SampleModels.SampleModels.Iris());
        _models.Add("fixed", TestGraphs.FixedShapes());
        _models.Add("lookup", TestGraphs.Lookup());
        foreach (var type in DataType.All)
        {
            _models.Add(IdentityModel(type), TestGraphs.Identity(type));
        }
        _models.Set("Inference:MaxRequestBytes", MaxRequestBytes.ToString());
        _models.Set("Inference:RepositoryApiKey", RepositoryKey);
        _models.Set("Inference:CacheDirectory", Path.Combine(_models.Path, "cache"));
        var grpcPort = FreePort.Next();
        _models.Set("Inference:GrpcPort", grpcPort.ToString());
        Server = await InferenceServer.StartAsync(_models.Settings);
        Client = Server.CreateClient();
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        Grpc = new GRPCInferenceService.GRPCInferenceServiceClient(Channel);
        await InferenceServer.WaitUntilReadyAsync(Client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Channel.Dispose();
        await Server.DisposeAsync();
        _models.Dispose();
    }
}
