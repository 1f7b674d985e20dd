using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Platform.Inference.Metrics;

/// <summary>
/// The numbers behind <c>/metrics</c>: Triton's per-model counters under Triton's names and labels (<c>model</c>, <c>version</c>),
/// so existing Triton dashboards work unchanged, and the artifact bytes read across clouds. Written in Prometheus' text format
/// 0.0.4, as Triton writes it (counters keep their names; no <c>_total</c> is added).
/// </summary>
public sealed class InferenceMetrics
{
    private readonly ConcurrentDictionary<(string Model, string Version), ModelStatistics> _models = new();
    private readonly ConcurrentDictionary<(string From, string To), Egress> _egress = new();

    public ModelStatistics For(string model, string version) => _models.GetOrAdd((model, version), key => new ModelStatistics(key.Model, key.Version));

    /// <summary>Every model version that has been loaded since the server started, by name and then version.</summary>
    public IReadOnlyList<ModelStatistics> Models =>
        _models.Values.OrderBy(model => model.Model, StringComparer.Ordinal).ThenBy(model => model.Version, StringComparer.Ordinal).ToList();

    /// <summary>An artifact of <paramref name="bytes"/> was read from a store in another cloud than this server's.</summary>
    public void CrossCloudRead(string fromCloud, string toCloud, long bytes)
    {
        var egress = _egress.GetOrAdd((fromCloud, toCloud), _ => new Egress());
        Interlocked.Increment(ref egress.Reads);
        Interlocked.Add(ref egress.Bytes, bytes);
    }

    public string Render()
    {
        var text = new StringBuilder();
        var models = Models;
        Counter(text, "nv_inference_request_success", "Number of successful inference requests, all batch sizes", models, model => model.Success);
        text.Append("# HELP nv_inference_request_failure Number of failed inference requests, all batch sizes\n# TYPE nv_inference_request_failure counter\n");
        foreach (var model in models)
        {
            foreach (var (reason, count) in model.Failures)
            {
                Sample(text, "nv_inference_request_failure", [("model", model.Model), ("reason", reason), ("version", model.Version)], count);
            }
        }
        Counter(text, "nv_inference_count", "Number of inferences performed (does not include cached requests)", models, model => model.Inferences);
        Counter(text, "nv_inference_exec_count", "Number of model executions performed (does not include cached requests)", models, model => model.Executions);
        Counter(text, "nv_inference_request_duration_us", "Cumulative inference request duration in microseconds (includes cached requests)", models, model => Microseconds(model.Succeeded));
        Counter(text, "nv_inference_queue_duration_us", "Cumulative inference queuing duration in microseconds (includes cached requests)", models, model => Microseconds(model.Queue));
        Counter(text, "nv_inference_compute_input_duration_us", "Cumulative compute input duration in microseconds (does not include cached requests)", models, model => Microseconds(model.ComputeInput));
        Counter(text, "nv_inference_compute_infer_duration_us", "Cumulative compute inference duration in microseconds (does not include cached requests)", models, model => Microseconds(model.ComputeInfer));
        Counter(text, "nv_inference_compute_output_duration_us", "Cumulative inference compute output duration in microseconds (does not include cached requests)", models, model => Microseconds(model.ComputeOutput));
        Series(text, "nv_inference_pending_request_count", "gauge", "Instantaneous number of pending requests awaiting execution per-model.", models, model => model.Pending);

        var routes = _egress.OrderBy(route => route.Key.From, StringComparer.Ordinal).ThenBy(route => route.Key.To, StringComparer.Ordinal).ToList();
        text.Append("# HELP platform_inference_cross_cloud_reads_total Model artifacts read from a store in another cloud (the local replica was missing)\n# TYPE platform_inference_cross_cloud_reads_total counter\n");
        foreach (var (route, egress) in routes)
        {
            Sample(text, "platform_inference_cross_cloud_reads_total", [("from_cloud", route.From), ("to_cloud", route.To)], Interlocked.Read(ref egress.Reads));
        }
        text.Append("# HELP platform_inference_cross_cloud_bytes_total Bytes of model artifacts read from a store in another cloud (egress)\n# TYPE platform_inference_cross_cloud_bytes_total counter\n");
        foreach (var (route, egress) in routes)
        {
            Sample(text, "platform_inference_cross_cloud_bytes_total", [("from_cloud", route.From), ("to_cloud", route.To)], Interlocked.Read(ref egress.Bytes));
        }
        return text.ToString();
    }

    private static long Microseconds(DurationStatistic duration) => duration.Nanoseconds / 1000;

    private static void Counter(StringBuilder text, string name, string help, IReadOnlyList<ModelStatistics> models, Func<ModelStatistics, long> value) =>
        Series(text, name, "counter", help, models, value);

    private static void Series(StringBuilder text, string name, string type, string help, IReadOnlyList<ModelStatistics> models, Func<ModelStatistics, long> value)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        foreach (var model in models)
        {
            Sample(text, name, [("model", model.Model), ("version", model.Version)], value(model));
        }
    }

    private static void Sample(StringBuilder text, string name, (string Name, string Value)[] labels, long value)
    {
        text.Append(name).Append('{');
        for (var i = 0; i < labels.Length; i++)
        {
            text.Append(i == 0 ? "" : ",").Append(labels[i].Name).Append("=\"").Append(Escape(labels[i].Value)).Append('"');
        }
        text.Append("} ").Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

    private sealed class Egress
    {
        public long Reads;
        public long Bytes;
    }
}
