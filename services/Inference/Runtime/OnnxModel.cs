using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Platform.Inference.Protocol;

namespace Platform.Inference.Runtime;

/// <summary>
/// One ONNX Runtime session and the signature it serves. <see cref="Run"/> takes one or more requests; several requests are
/// stacked along the batch dimension into one session run and the outputs split back, which is what dynamic batching buys.
/// Session runs are thread-safe, so several schedulers' workers may call it at once.
/// </summary>
public sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();

    private OnnxModel(InferenceSession session, ModelSignature signature)
    {
        _session = session;
        Signature = signature;
    }

    public ModelSignature Signature { get; }

    /// <summary>Opens the model file; throws <see cref="ModelLoadException"/> when ONNX Runtime cannot, or when an input is of a kind the protocol cannot carry.</summary>
    public static OnnxModel Load(string path, RuntimeOptions options)
    {
        using var sessionOptions = new Microsoft.ML.OnnxRuntime.SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = options.InterOpThreads,
            ExecutionMode = options.InterOpThreads > 1 ? ExecutionMode.ORT_PARALLEL : ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        // Threads spin while a run is in progress: a run hands work to them at every parallel operator, and waking a
        // sleeping thread each time cost the big benchmark MLP about 5 % of its rows/s in process. Unless the model asks to
        // spin between runs too, they stop as the last run returns: the cores they would burn between runs are the ones
        // Kestrel needs to write the answers and read the next requests (docs/benchmarks.md, "Inference").
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "1");
        sessionOptions.AddSessionConfigEntry("session.inter_op.allow_spinning", "1");
        sessionOptions.AddSessionConfigEntry("session.force_spinning_stop", options.AllowSpinning ? "0" : "1");
        InferenceSession session;
        try
        {
            session = new InferenceSession(path, sessionOptions);
        }
        catch (OnnxRuntimeException exception)
        {
            throw new ModelLoadException($"ONNX Runtime could not load the model: {exception.Message}", exception);
        }
        try
        {
            return new OnnxModel(session, ReadSignature(session));
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static ModelSignature ReadSignature(InferenceSession session)
    {
        var inputs = new List<TensorSpec>();
        foreach (var name in session.InputNames)
        {
            inputs.Add(Spec(name, session.InputMetadata[name])
                ?? throw new ModelLoadException($"Input '{name}' is not a tensor of a datatype the Open Inference Protocol carries."));
        }
        // Outputs the protocol cannot carry (sequences, maps) are left out: the model still serves the ones it can.
        var outputs = session.OutputNames.Select(name => Spec(name, session.OutputMetadata[name])).OfType<TensorSpec>().ToList();
        if (outputs.Count == 0)
        {
            throw new ModelLoadException("The model has no tensor output of a datatype the Open Inference Protocol carries.");
        }
        return new ModelSignature(inputs, outputs);
    }

    private static TensorSpec? Spec(string name, NodeMetadata metadata) =>
        metadata.IsTensor && DataType.TryFromOrt(metadata.ElementDataType, out var type)
            ? new TensorSpec(name, type, metadata.Dimensions.Select(dimension => dimension < 0 ? -1L : dimension).ToArray())
            : null;

    /// <summary>
    /// Runs the requests as one batch (they share a batch key) or, for a single request, as it is. Returns each request's
    /// outputs in the order it asked for them (all outputs in model order when it asked for none).
    /// </summary>
    public IReadOnlyList<TensorData>[] Run(IReadOnlyList<InferenceRequest> requests) => Run(requests, out _);

    /// <inheritdoc cref="Run(IReadOnlyList{InferenceRequest})"/>
    /// <param name="phases">How long the run took to stack the inputs, to execute the model, and to split the outputs.</param>
    public IReadOnlyList<TensorData>[] Run(IReadOnlyList<InferenceRequest> requests, out RunPhases phases)
    {
        var started = Stopwatch.GetTimestamp();
        var outputNames = OutputNames(requests);
        var inputValues = new List<OrtValue>(Signature.Inputs.Count);
        try
        {
            foreach (var spec in Signature.Inputs)
            {
                inputValues.Add(TensorConversion.ToOrtValue(spec, requests.Select(request => request.Inputs.First(input => input.Name == spec.Name)).ToList()));
            }
            var stacked = Stopwatch.GetTimestamp();
            using var results = _session.Run(_runOptions, Signature.Inputs.Select(spec => spec.Name).ToList(), inputValues, outputNames);
            var executed = Stopwatch.GetTimestamp();
            IReadOnlyList<TensorData>[] outputs;
            if (requests.Count == 1)
            {
                outputs = [Select(requests[0], results.Select((value, i) => TensorConversion.FromOrtValue(outputNames[i], value)).ToList())];
            }
            else
            {
                // Each request's rows straight from ONNX Runtime's buffer, with no copy of the whole output first: for a large
                // batch that copy (85 KB and more) lands on the large object heap, which is collected only with the whole heap.
                var batch = requests.Select(request => request.BatchSize).ToList();
                var split = results.Select((value, i) => TensorConversion.SplitRows(outputNames[i], value, batch)).ToList();
                outputs = requests.Select((request, i) => Select(request, split.Select(output => output[i]).ToList())).ToArray();
            }
            phases = new RunPhases(Stopwatch.GetElapsedTime(started, stacked), Stopwatch.GetElapsedTime(stacked, executed), Stopwatch.GetElapsedTime(executed));
            return outputs;
        }
        finally
        {
            foreach (var value in inputValues)
            {
                value.Dispose();
            }
        }
    }

    /// <summary>Every output any request of the batch asked for, in model order.</summary>
    private List<string> OutputNames(IReadOnlyList<InferenceRequest> requests)
    {
        if (requests.Any(request => request.Outputs is null))
        {
            return Signature.Outputs.Select(output => output.Name).ToList();
        }
        var wanted = requests.SelectMany(request => request.Outputs!).Select(output => output.Name).ToHashSet(StringComparer.Ordinal);
        return Signature.Outputs.Select(output => output.Name).Where(wanted.Contains).ToList();
    }

    private static IReadOnlyList<TensorData> Select(InferenceRequest request, List<TensorData> outputs) =>
        request.Outputs is null
            ? outputs
            : request.Outputs.Select(requested => outputs.First(output => output.Name == requested.Name)).ToList();

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }
}

/// <summary>
/// The parts of one run, as Triton's statistics name them: <see cref="Input"/> stacks the requests' tensors into ONNX Runtime's
/// (compute_input), <see cref="Infer"/> executes the model (compute_infer), <see cref="Output"/> splits the results back into
/// each request's tensors (compute_output).
/// </summary>
public readonly record struct RunPhases(TimeSpan Input, TimeSpan Infer, TimeSpan Output);

/// <summary>The model could not be loaded; the message says why.</summary>
public sealed class ModelLoadException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>A batched run gave outputs whose first dimension is not the batch: the requests must run one by one.</summary>
public sealed class BatchShapeException() : Exception("The model's outputs do not follow the batch dimension.");
