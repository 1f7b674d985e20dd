using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Platform.Gateway.Extensions;

namespace Platform.Gateway.Routing;

/// <summary>Every cloud, the models requests have asked for (which the prober then watches), and the routing policy.</summary>
public sealed class Clouds(IOptions<GatewayOptions> options)
{
    private readonly ConcurrentDictionary<string, byte> _models = new(StringComparer.Ordinal);

    public IReadOnlyList<CloudState> All { get; } = options.Value.Clouds
        .Select(cloud => new CloudState(cloud.Key, cloud.Value.Url!, cloud.Value.Weight, cloud.Value.Http2))
        .OrderBy(cloud => cloud.Name, StringComparer.Ordinal)
        .ToList();

    public IEnumerable<string> KnownModels => _models.Keys;

    public void Remember(string model) => _models.TryAdd(model, 0);

    /// <summary>
    /// The clouds to try for a request, best first: those that can serve the model, ordered by the policy; then the rest,
    /// in case the probes are behind (a cloud that just came back), so a request fails only when every cloud did.
    /// </summary>
    public IReadOnlyList<CloudState> Order(string? model)
    {
        var settings = options.Value;
        var ready = All.Where(cloud => cloud.CanServe(model)).ToList();
        var ordered = settings.Policy == RoutingPolicy.Weighted ? Weighted(ready) : NearestFirst(ready, settings.PreferredCloud);
        return ordered.Concat(NearestFirst(All.Except(ready).ToList(), settings.PreferredCloud)).ToList();
    }

    private static IEnumerable<CloudState> NearestFirst(List<CloudState> clouds, string? preferred) =>
        clouds.OrderByDescending(cloud => string.Equals(cloud.Name, preferred, StringComparison.OrdinalIgnoreCase))
            .ThenBy(cloud => double.IsNaN(cloud.LatencyMs) ? double.MaxValue : cloud.LatencyMs);

    /// <summary>A weighted random first choice; the others follow by latency, as fallbacks.</summary>
    private static IEnumerable<CloudState> Weighted(List<CloudState> clouds)
    {
        var total = clouds.Sum(cloud => cloud.Weight);
        if (total == 0)
        {
            return NearestFirst(clouds, null);
        }
        var pick = Random.Shared.Next(total);
        var first = clouds.First(cloud => (pick -= cloud.Weight) < 0);
        return NearestFirst(clouds.Where(cloud => cloud != first).ToList(), null).Prepend(first);
    }
}
