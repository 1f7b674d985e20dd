using Microsoft.ML.OnnxRuntime;
using Platform.Registry.Model;

namespace Platform.Registry.Services;

/// <summary>Opens an artifact with ONNX Runtime: if the runtime that serves models cannot load it, the registry must not accept it.</summary>
public sealed class OnnxInspector
{
    public sealed record Result(ModelSignature? Signature, string? FailureReason);

    public Result Inspect(string path)
    {
        try
        {
            using var options = new Microsoft.ML.OnnxRuntime.SessionOptions
            {
                // Loading and checking the graph is the point; optimising it would only cost time.
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL,
                IntraOpNumThreads = 1,
            };
            using var session = new InferenceSession(path, options);
            var header = OnnxHeaderReader.Read(path);
            return new Result(new ModelSignature
            {
                Inputs = session.InputNames.Select(name => Describe(name, session.InputMetadata[name])).ToList(),
                Outputs = session.OutputNames.Select(name => Describe(name, session.OutputMetadata[name])).ToList(),
                Opsets = header.Opsets,
                Opset = header.Opsets.TryGetValue("", out var opset) || header.Opsets.TryGetValue("ai.onnx", out opset)
                    ? opset
                    : header.Opsets.Values.DefaultIfEmpty().Max(),
                IrVersion = header.IrVersion,
                ProducerName = string.IsNullOrEmpty(session.ModelMetadata.ProducerName) ? null : session.ModelMetadata.ProducerName,
            }, null);
        }
        catch (Exception exception) when (exception is OnnxRuntimeException or InvalidDataException or OverflowException or EndOfStreamException)
        {
            // The runtime names the spool file in its messages; the client knows it only as its upload.
            return new Result(null, exception.Message.Replace(path, "the artifact", StringComparison.Ordinal));
        }
    }

    private static TensorSignature Describe(string name, NodeMetadata metadata) => metadata.OnnxValueType switch
    {
        OnnxValueType.ONNX_TYPE_TENSOR or OnnxValueType.ONNX_TYPE_SPARSETENSOR => new TensorSignature
        {
            Name = name,
            Kind = metadata.OnnxValueType == OnnxValueType.ONNX_TYPE_TENSOR ? "tensor" : "sparse_tensor",
            ElementType = metadata.ElementDataType.ToString().ToLowerInvariant(),
            // ONNX Runtime reports a symbolic or unknown dimension as -1 already.
            Shape = metadata.Dimensions.Select(dimension => (long)dimension).ToList(),
        },
        OnnxValueType.ONNX_TYPE_SEQUENCE => new TensorSignature { Name = name, Kind = "sequence" },
        OnnxValueType.ONNX_TYPE_MAP => new TensorSignature { Name = name, Kind = "map" },
        OnnxValueType.ONNX_TYPE_OPTIONAL => new TensorSignature { Name = name, Kind = "optional" },
        _ => new TensorSignature { Name = name, Kind = "unknown" },
    };
}
