using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Platform.Gateway.Extensions;

public enum RoutingPolicy
{
    /// <summary>Active-passive: the preferred (nearest) cloud takes everything while it can; the others by observed latency.</summary>
    NearestFirst,

    /// <summary>Active-active: requests spread over the ready clouds in proportion to their weights.</summary>
    Weighted,
}

/// <summary>One cloud's inference service.</summary>
public sealed class CloudEndpoint
{
    [Required]
    public Uri? Url { get; set; }

    /// <summary>The share of traffic under <see cref="RoutingPolicy.Weighted"/>, from 0 (none while another cloud is ready) to <see cref="MaxWeight"/>.</summary>
    public int Weight { get; set; } = 1;

    /// <summary>
    /// Speak HTTP/2 to this cloud, for requests and probes alike. On an <c>http://</c> URL that is HTTP/2 with prior knowledge,
    /// so the URL must be an HTTP/2-only endpoint (inference's <c>Inference:GrpcPort</c> serves the whole protocol, REST
    /// included); on <c>https://</c> it is negotiated, falling back to HTTP/1.1. Concurrent requests then share a few
    /// connections, and each goes out in one write where HTTP/1.1 takes two (YARP sends a request's headers before its body),
    /// which costs both the gateway and the inference service less CPU per request (docs/benchmarks.md).
    /// </summary>
    public bool Http2 { get; set; }

    public const int MaxWeight = 1000;
}

/// <summary>The <c>Gateway</c> configuration section.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>The inference service of every cloud, by cloud name.</summary>
    public Dictionary<string, CloudEndpoint> Clouds { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The nearest cloud, first choice under <see cref="RoutingPolicy.NearestFirst"/>. Null: the lowest observed latency.</summary>
    public string? PreferredCloud { get; set; }

    public RoutingPolicy Policy { get; set; } = RoutingPolicy.NearestFirst;

    /// <summary>How often every cloud's readiness (and that of every model seen) is checked.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Request bodies up to this size are kept so that a failed request can be sent again to another cloud.</summary>
    [Range(0, int.MaxValue)]
    public int MaxRetriedBodyBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// A kept request body stays in memory up to this size, and goes to a temporary file beyond it. Each request in flight
    /// can hold this much memory.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int InMemoryBodyBytes { get; set; } = 8 * 1024 * 1024;

    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// The port of the gateway's gRPC endpoint (the protocol's <c>inference.GRPCInferenceService</c>, HTTP/2 without TLS), beside
    /// its HTTP address, as inference's <c>Inference:GrpcPort</c>. Calls go to the clouds set to <see cref="CloudEndpoint.Http2"/>,
    /// routed by the model their message names. Null: no gRPC endpoint.
    /// </summary>
    [Range(1, 65535)]
    public int? GrpcPort { get; set; }

    public IEnumerable<string> Problems()
    {
        if (Clouds.Count == 0)
        {
            yield return $"{SectionName}:Clouds names no cloud; give each cloud's inference URL as {SectionName}:Clouds:<cloud>:Url.";
        }
        foreach (var (name, cloud) in Clouds.Where(cloud => cloud.Value.Url is not { IsAbsoluteUri: true }))
        {
            yield return $"{SectionName}:Clouds:{name}:Url must be an absolute URL.";
        }
        // Checked here: annotations on the dictionary's values are not (neither validator looks inside a dictionary).
        foreach (var (name, cloud) in Clouds.Where(cloud => cloud.Value.Weight is < 0 or > CloudEndpoint.MaxWeight))
        {
            yield return $"{SectionName}:Clouds:{name}:Weight must be from 0 to {CloudEndpoint.MaxWeight}.";
        }
        if (PreferredCloud is { } preferred && !Clouds.ContainsKey(preferred))
        {
            yield return $"{SectionName}:PreferredCloud '{preferred}' is not one of {SectionName}:Clouds.";
        }
    }
}

/// <summary>Checks <see cref="GatewayOptions"/>'s data annotations with code generated at build time (see <c>AddValidatedOptions</c>).</summary>
[OptionsValidator]
public sealed partial class GatewayOptionsAnnotationsValidator : IValidateOptions<GatewayOptions>;
