namespace Platform.Inference.Protocol;

/// <summary>A parsed and validated <c>$inference_request</c>.</summary>
public sealed class InferenceRequest
{
    public string? Id { get; init; }

    /// <summary>The request's <c>parameters</c>, kept to be echoed; values are string, long, double or bool.</summary>
    public IReadOnlyDictionary<string, object>? Parameters { get; init; }

    public required IReadOnlyList<TensorData> Inputs { get; init; }

    /// <summary>The outputs asked for, in the order asked; null: every output, as JSON unless <see cref="BinaryOutputs"/>.</summary>
    public IReadOnlyList<RequestedOutput>? Outputs { get; init; }

    /// <summary>The request-level <c>binary_data_output</c> parameter.</summary>
    public bool BinaryOutputs { get; init; }

    /// <summary>The batch size: the first dimension shared by every input, or 1 for a model that is not batched.</summary>
    public long BatchSize { get; init; } = 1;

    /// <summary>Requests with the same key can run as one batch: same inputs with the same dimensions after the first.</summary>
    public string? BatchKey { get; init; }
}

/// <summary>One entry of <c>outputs</c>: the name and whether it comes back as binary data (null: the request's default).</summary>
public sealed record RequestedOutput(string Name, bool? Binary);
