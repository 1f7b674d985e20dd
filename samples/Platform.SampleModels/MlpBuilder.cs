using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace Platform.SampleModels;

/// <summary>Writes an MLP as an ONNX ModelProto with the protobuf types that OnnxSharp ships.</summary>
internal static class MlpBuilder
{
    private const string BatchDimension = "batch";
    private const long IrVersion = 7;
    private const long Opset = 13;

    public static byte[] Build(int inputs, int[] hidden, int outputs, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputs);
        ArgumentNullException.ThrowIfNull(hidden);
        if (hidden.Any(width => width <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(hidden), "Every hidden layer needs at least one unit.");
        }

        var random = new Random(seed);
        var graph = new GraphProto { Name = "mlp" };
        graph.Input.Add(Tensor("input", inputs));
        var previous = "input";
        var widths = hidden.Append(outputs).ToArray();
        for (var layer = 0; layer < widths.Length; layer++)
        {
            var fanIn = layer == 0 ? inputs : widths[layer - 1];
            var fanOut = widths[layer];
            var gemm = AddDense(graph, random, layer, previous, fanIn, fanOut);
            var last = layer == widths.Length - 1;
            var activation = new NodeProto { Name = $"{(last ? "softmax" : "relu")}{layer}", OpType = last ? "Softmax" : "Relu" };
            activation.Input.Add(gemm);
            activation.Output.Add(last ? "output" : $"hidden{layer}");
            graph.Node.Add(activation);
            previous = activation.Output[0];
        }
        graph.Output.Add(Tensor("output", outputs));

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Platform.SampleModels",
            ProducerVersion = "1",
            DocString = $"MLP {inputs}-{string.Join("-", hidden)}-{outputs}, seed {seed}",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return model.ToByteArray();
    }

    /// <summary>Adds <c>x · W + b</c> with Glorot-uniform weights and small biases; returns the name of its output.</summary>
    private static string AddDense(GraphProto graph, Random random, int layer, string input, int fanIn, int fanOut)
    {
        var limit = MathF.Sqrt(6f / (fanIn + fanOut));
        var weights = new float[fanIn * fanOut];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = (random.NextSingle() * 2 - 1) * limit;
        }
        var biases = new float[fanOut];
        for (var i = 0; i < biases.Length; i++)
        {
            biases[i] = (random.NextSingle() * 2 - 1) * 0.01f;
        }
        graph.Initializer.Add(Initializer($"W{layer}", weights, fanIn, fanOut));
        graph.Initializer.Add(Initializer($"B{layer}", biases, fanOut));

        var gemm = new NodeProto { Name = $"gemm{layer}", OpType = "Gemm" };
        gemm.Input.Add([input, $"W{layer}", $"B{layer}"]);
        gemm.Output.Add($"dense{layer}");
        graph.Node.Add(gemm);
        return gemm.Output[0];
    }

    private static TensorProto Initializer(string name, float[] values, params long[] dims)
    {
        var tensor = new TensorProto
        {
            Name = name,
            DataType = (int)TensorProto.Types.DataType.Float,
            // ONNX raw data is little-endian, like every machine .NET runs on.
            RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())),
        };
        tensor.Dims.Add(dims);
        return tensor;
    }

    private static ValueInfoProto Tensor(string name, int width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = BatchDimension });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = width });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape },
            },
        };
    }
}
