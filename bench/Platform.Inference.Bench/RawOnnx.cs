using Microsoft.ML.OnnxRuntime;

namespace Platform.Inference.Bench;

/// <summary>
/// The baseline: ONNX Runtime called in process on the same model file, with the session settings the server uses
/// (same intra-op threads, all graph optimisations, sequential execution), one <c>Run</c> after another on one thread.
/// </summary>
public sealed class RawOnnx : IDisposable
{
    private readonly InferenceSession _session;
    private readonly BenchModel _model;

    public RawOnnx(BenchModel model, int intraOpThreads)
    {
        _model = model;
        using var options = new SessionOptions
        {
            IntraOpNumThreads = intraOpThreads,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(model.Path, options);
    }

    /// <summary>
    /// Runs batches of <paramref name="batch"/> rows for <paramref name="duration"/>, after a short warm-up, from
    /// <paramref name="runsAtOnce"/> threads at once (the server's <c>Instances</c>), each one <c>Run</c> after another.
    /// </summary>
    public Measurement Measure(int batch, TimeSpan duration, int runsAtOnce = 1)
    {
        var names = _model.Inputs.Select(input => input.Name).ToList();
        var values = _model.Inputs.Select(input => input.Batch(batch)).ToList();
        string[] outputs = [_model.Output];
        using var runOptions = new RunOptions();
        try
        {
            return Measurement.OfRuns(() => _session.Run(runOptions, names, values, outputs).Dispose(), batch, duration, runsAtOnce);
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    public void Dispose() => _session.Dispose();
}
