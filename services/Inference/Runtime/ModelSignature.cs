using Platform.Inference.Protocol;

namespace Platform.Inference.Runtime;

/// <summary>One input or output as the server offers it: its name, datatype and shape, -1 where a dimension is free.</summary>
public sealed record TensorSpec(string Name, DataType Type, long[] Shape)
{
    /// <summary>The first dimension is free: requests can stack along it.</summary>
    public bool HasBatchDimension => Shape.Length > 0 && Shape[0] == -1;
}

/// <summary>The tensors a loaded model takes and gives, in the model's order.</summary>
public sealed class ModelSignature
{
    private readonly Dictionary<string, TensorSpec> _inputs;
    private readonly Dictionary<string, TensorSpec> _outputs;

    public ModelSignature(IReadOnlyList<TensorSpec> inputs, IReadOnlyList<TensorSpec> outputs)
    {
        Inputs = inputs;
        Outputs = outputs;
        _inputs = inputs.ToDictionary(input => input.Name, StringComparer.Ordinal);
        _outputs = outputs.ToDictionary(output => output.Name, StringComparer.Ordinal);
        Batchable = inputs.Count > 0 && inputs.All(input => input.HasBatchDimension) && outputs.All(output => output.HasBatchDimension);
    }

    public IReadOnlyList<TensorSpec> Inputs { get; }

    public IReadOnlyList<TensorSpec> Outputs { get; }

    /// <summary>Every input and output has a free first dimension, so requests can be stacked into one run and split after it.</summary>
    public bool Batchable { get; }

    public TensorSpec? Input(string name) => _inputs.GetValueOrDefault(name);

    public TensorSpec? Output(string name) => _outputs.GetValueOrDefault(name);
}
