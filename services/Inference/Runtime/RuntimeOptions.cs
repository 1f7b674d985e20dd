namespace Platform.Inference.Runtime;

/// <summary>How one model runs: ONNX Runtime's threads and the dynamic batcher's limits, resolved from defaults and the model's own settings.</summary>
public sealed record RuntimeOptions
{
    /// <summary>Threads one operator may use; 0 lets ONNX Runtime choose (one per core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>
    /// Whether ONNX Runtime's threads (intra-op, and inter-op when there are any) keep spinning between runs instead of
    /// sleeping. They always spin while a run is in progress; spinning between runs too answers a lone request sooner (no
    /// thread to wake: about 0.1 ms less per run of a small model at concurrency 1 here), but burns the cores that Kestrel
    /// needs under load, and counts against a pod's CPU limit; so it is off unless a model asks for it (ONNX Runtime's own
    /// default is on).
    /// </summary>
    public bool AllowSpinning { get; init; }

    /// <summary>Threads for running independent operators at once; 0 or 1 runs them in sequence.</summary>
    public int InterOpThreads { get; init; }

    /// <summary>The most rows a batch stacks; 1 turns dynamic batching off.</summary>
    public int MaxBatchSize { get; init; } = 32;

    /// <summary>How long a worker that holds a batch short of <see cref="MaxBatchSize"/> waits for more requests to join it; zero takes only what is already waiting.</summary>
    public TimeSpan MaxQueueDelay { get; init; }

    /// <summary>Requests waiting beyond this many are refused at once with 429.</summary>
    public int MaxQueueSize { get; init; } = 256;

    /// <summary>Batches that run at once (each on its own worker).</summary>
    public int Instances { get; init; } = 1;
}
