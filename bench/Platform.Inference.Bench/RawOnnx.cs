using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Platform.Testing;

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

    /// <summary>Runs batches of <paramref name="batch"/> rows for <paramref name="duration"/>, after a short warm-up.</summary>
    public Measurement Measure(int batch, TimeSpan duration)
    {
        var names = _model.Inputs.Select(input => input.Name).ToList();
        var values = _model.Inputs.Select(input => input.Batch(batch)).ToList();
        string[] outputs = [_model.Output];
        using var runOptions = new RunOptions();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                _session.Run(runOptions, names, values, outputs).Dispose();
            }
            var latencies = new List<TimeSpan>();
            var cpu = CpuUse.Start(Environment.ProcessId);
            var stopwatch = Stopwatch.StartNew();
            while (stopwatch.Elapsed < duration)
            {
                var started = stopwatch.Elapsed;
                _session.Run(runOptions, names, values, outputs).Dispose();
                latencies.Add(stopwatch.Elapsed - started);
            }
            var elapsed = stopwatch.Elapsed;
            var used = cpu.Stop();
            var rows = latencies.Count * batch;
            latencies.Sort();
            return new Measurement(rows / elapsed.TotalSeconds, Measurement.Percentile(latencies, 0.50), Measurement.Percentile(latencies, 0.99), 0, [],
                CpuPerRow: used.Process / rows, MachineCpuPerRow: used.Machine / rows);
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
