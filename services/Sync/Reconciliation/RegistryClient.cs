using System.Net.Http.Json;
using System.Runtime.CompilerServices;

namespace Platform.Sync.Reconciliation;

/// <summary>One READY version as the registry lists it for reconciliation (GET /api/replication/versions).</summary>
public sealed record ExpectedReplicas(
    long Id, string Model, int Version, string Key, string Sha256, long Size, string Store, IReadOnlyList<string> TargetStores, IReadOnlyList<string> Replicas);

public sealed record ExpectedReplicasPage(IReadOnlyList<ExpectedReplicas> Items, long? NextAfterId);

/// <summary>The <c>Registry</c> section: where the registry is and the (read-only) key to call it with.</summary>
public sealed class RegistryClientOptions
{
    public const string SectionName = "Registry";

    public Uri? Url { get; set; }

    public string? ApiKey { get; set; }
}

/// <summary>Reads what the registry expects every store to hold. Null <see cref="Configured"/>: no registry, so only sync rules reconcile.</summary>
public sealed class RegistryClient(HttpClient http, Microsoft.Extensions.Options.IOptions<RegistryClientOptions> options)
{
    public bool Configured => options.Value.Url is not null;

    public async IAsyncEnumerable<ExpectedReplicas> ListExpectedAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long? after = 0;
        while (after is { } current)
        {
            var page = await http.GetFromJsonAsync<ExpectedReplicasPage>($"api/replication/versions?afterId={current}&limit=500", cancellationToken)
                ?? throw new InvalidOperationException("The registry answered an empty page.");
            foreach (var item in page.Items)
            {
                yield return item;
            }
            after = page.NextAfterId;
        }
    }
}
