using Microsoft.Extensions.Options;
using Platform.Sync.Extensions;

namespace Platform.Sync.Services;

/// <summary>
/// Names the worker's queues after its cloud (<c>sync-aws-artifact-stored</c>, ...): every cloud's worker gets its own copy
/// of each event, while workers of one cloud share a queue and split the work. The names also feed the queue-depth gauge.
/// </summary>
public sealed class SyncEndpoints(IOptions<SyncOptions> options, QueueDepthProbe probe)
{
    public int ConcurrentCopies => options.Value.ConcurrentCopies;

    public string Name(string suffix)
    {
        var name = $"sync-{options.Value.Cloud}-{suffix}";
        lock (probe.Queues)
        {
            if (!probe.Queues.Contains(name))
            {
                probe.Queues.Add(name);
            }
        }
        return name;
    }
}
