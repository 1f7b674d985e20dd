using Google.Protobuf;
using Onnx;
using Platform.Inference.Protocol;

namespace Platform.Inference.Tests.Hosting;

/// <summary>Tiny ONNX graphs for what the sample models do not cover, written with the protobuf types OnnxSharp ships.</summary>
public static class TestGraphs
{
    /// <summary><c>output = Identity(input)</c>, both of <paramref name="type"/> and shape [batch, n]: every datatype round-trips unchanged.</summary>
    public static byte[] Identity(DataType type)
    {
        var graph = new GraphProto { Name = "identity" };
        graph.Input.Add(Tensor("input", type, Dimension("batch"), Dimension("n")));
        graph.Output.Add(Tensor("output", type, Dimension("batch"), Dimension("n")));
        graph.Node.Add(Node("Identity", ["input"], ["output"]));
        return Model(graph);
    }

    /// <summary>
    /// A model with fixed shapes and no batch dimension: <c>sum = a + Cast(b)</c> with <c>a</c> FP32 [2, 3] and <c>b</c> INT64 [3],
    /// and <c>doubled = sum + sum</c>.
    /// </summary>
    public static byte[] FixedShapes()
    {
        var graph = new GraphProto { Name = "fixed" };
        graph.Input.Add(Tensor("a", DataType.Fp32, Dimension(2), Dimension(3)));
        graph.Input.Add(Tensor("b", DataType.Int64, Dimension(3)));
        graph.Output.Add(Tensor("sum", DataType.Fp32, Dimension(2), Dimension(3)));
        graph.Output.Add(Tensor("doubled", DataType.Fp32, Dimension(2), Dimension(3)));
        var cast = Node("Cast", ["b"], ["b_float"]);
        cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)TensorProto.Types.DataType.Float });
        graph.Node.Add(cast);
        graph.Node.Add(Node("Add", ["a", "b_float"], ["sum"]));
        graph.Node.Add(Node("Add", ["sum", "sum"], ["doubled"]));
        return Model(graph);
    }

    /// <summary><c>output = Gather(table, indices)</c> over a table of 4 floats: an index out of range is bad input ONNX Runtime itself finds.</summary>
    public static byte[] Lookup()
    {
        var graph = new GraphProto { Name = "lookup" };
        graph.Input.Add(Tensor("indices", DataType.Int64, Dimension("batch")));
        graph.Output.Add(Tensor("output", DataType.Fp32, Dimension("batch")));
        var table = new TensorProto { Name = "table", DataType = (int)TensorProto.Types.DataType.Float };
        table.Dims.Add(4);
        table.FloatData.Add([10f, 20f, 30f, 40f]);
        graph.Initializer.Add(table);
        graph.Node.Add(Node("Gather", ["table", "indices"], ["output"]));
        return Model(graph);
    }

    private static byte[] Model(GraphProto graph)
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "Platform.Inference.Tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model.ToByteArray();
    }

    private static NodeProto Node(string op, string[] inputs, string[] outputs)
    {
        var node = new NodeProto { OpType = op, Name = op.ToLowerInvariant() + "_" + outputs[0] };
        node.Input.Add(inputs);
        node.Output.Add(outputs);
        return node;
    }

    private static TensorShapeProto.Types.Dimension Dimension(string name) => new() { DimParam = name };

    private static TensorShapeProto.Types.Dimension Dimension(long size) => new() { DimValue = size };

    private static ValueInfoProto Tensor(string name, DataType type, params TensorShapeProto.Types.Dimension[] dimensions)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(dimensions);
        // ONNX's element type numbers are ONNX Runtime's TensorElementType values.
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type.OrtType, Shape = shape } },
        };
    }
}
