using Platform.Inference.Protocol;
using Platform.Inference.Runtime;

namespace Platform.Inference.Bench;

/// <summary>
/// The server's own run path called in process, without HTTP or the batching queue: <see cref="OnnxModel.Run"/> on a batch of
/// single-row requests (stacked into one ONNX Runtime run, the rows split back), with the server's session settings for the
/// model and the baseline's intra-op threads. Beside the raw baseline it shows what the server's way of running costs; beside the served rate, what HTTP and
/// the queue cost.
/// </summary>
public sealed class ServerRun : IDisposable
{
    private readonly OnnxModel _model;
    private readonly BenchModel _bench;

    /// <param name="intraOpThreads">The baseline's, not the model's own: this runs one batch at a time, as the baseline does.</param>
    public ServerRun(BenchModel model, int intraOpThreads)
    {
        _bench = model;
        _model = OnnxModel.Load(model.Path, new RuntimeOptions { IntraOpThreads = intraOpThreads, AllowSpinning = model.AllowSpinning });
    }

    /// <summary>Runs batches of <paramref name="batch"/> single-row requests, one after another, for <paramref name="duration"/> after a short warm-up.</summary>
    public Measurement Measure(int batch, TimeSpan duration)
    {
        var requests = Enumerable.Range(0, batch).Select(_ => new InferenceRequest
        {
            Inputs = [.. _bench.Inputs.Select(input => TensorData.Fixed(input.Name, Protocol.DataType.TryParse(input.DataType, out var type) ? type : throw new NotSupportedException(input.DataType), input.RowShape, input.Bytes))],
            Outputs = [new RequestedOutput(_bench.Output, Binary: true)],
            BatchSize = 1,
            BatchKey = "bench",
        }).ToList();
        return Measurement.OfRuns(() => _model.Run(requests), batch, duration);
    }

    public void Dispose() => _model.Dispose();
}
