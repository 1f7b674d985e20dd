using System.Text.Json;
using Google.Protobuf;
using Platform.Inference.Grpc.Protocol;

namespace Platform.Inference.Bench;

/// <summary>
/// A model file the server serves as <see cref="Name"/> with its own dynamic batching settings, the single-row request the
/// benchmark sends, and the output it asks for.
/// </summary>
public sealed record BenchModel(
    string Name,
    string Description,
    string Path,
    int MaxBatchSize,
    TimeSpan MaxQueueDelay,
    IReadOnlyList<BenchInput> Inputs,
    string Output)
{
    /// <summary>Whether the server's idle ONNX Runtime threads spin between runs (<c>AllowSpinning</c>), as the baseline's do.</summary>
    public bool AllowSpinning { get; init; }

    /// <summary>How many batches the server runs at once (<c>Instances</c>, Triton's instance count).</summary>
    public int Instances { get; init; } = 1;

    /// <summary>ONNX Runtime's intra-op threads for each run in the server, when not the benchmark's <c>--intra-op-threads</c>.</summary>
    public int? IntraOpThreads { get; init; }

    /// <summary>
    /// The request in the binary tensor extension: a JSON header that declares each input's <c>binary_data_size</c> and asks
    /// for the output as binary, then the inputs' bytes. Returns the body and the header's length.
    /// </summary>
    public (byte[] Body, int HeaderLength) BinaryRequest()
    {
        var header = JsonSerializer.SerializeToUtf8Bytes(new
        {
            inputs = Inputs.Select(input => new
            {
                name = input.Name,
                datatype = input.DataType,
                shape = input.RowShape,
                parameters = new { binary_data_size = input.Bytes.Length },
            }),
            outputs = new[] { new { name = Output } },
            parameters = new { binary_data_output = true },
        });
        return ([.. header, .. Inputs.SelectMany(input => input.Bytes)], header.Length);
    }

    /// <summary>The same request over gRPC: the inputs' bytes in <c>raw_input_contents</c>, the output asked for by name.</summary>
    public ModelInferRequest GrpcRequest()
    {
        var request = new ModelInferRequest { ModelName = Name, Outputs = { new ModelInferRequest.Types.InferRequestedOutputTensor { Name = Output } } };
        foreach (var input in Inputs)
        {
            request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = input.Name, Datatype = input.DataType, Shape = { input.RowShape } });
            request.RawInputContents.Add(ByteString.CopyFrom(input.Bytes));
        }
        return request;
    }
}
