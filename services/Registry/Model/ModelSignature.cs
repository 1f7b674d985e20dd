namespace Platform.Registry.Model;

/// <summary>What ONNX Runtime saw when it opened the artifact.</summary>
public sealed record ModelSignature
{
    public required IReadOnlyList<TensorSignature> Inputs { get; init; }

    public required IReadOnlyList<TensorSignature> Outputs { get; init; }

    /// <summary>The default-domain ("ai.onnx") opset, or the highest one imported when the model has no default-domain import.</summary>
    public long? Opset { get; init; }

    /// <summary>Every imported opset by domain ("" is the default domain).</summary>
    public IReadOnlyDictionary<string, long> Opsets { get; init; } = new Dictionary<string, long>();

    public long? IrVersion { get; init; }

    public string? ProducerName { get; init; }
}

/// <summary>One input or output: its element type (float, int64, string, ...) and shape, -1 for a dynamic dimension.</summary>
public sealed record TensorSignature
{
    public required string Name { get; init; }

    /// <summary>tensor, sequence, map or optional.</summary>
    public required string Kind { get; init; }

    public string? ElementType { get; init; }

    public IReadOnlyList<long>? Shape { get; init; }
}
