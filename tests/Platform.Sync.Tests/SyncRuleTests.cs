using System.Net.Http.Json;
using System.Security.Cryptography;
using Platform.Storage;
using Platform.Sync.Reconciliation;
using Platform.Sync.Tests.Hosting;

namespace Platform.Sync.Tests;

/// <summary>The fixture's rules: aws:datasets/ → gcp (copy) and aws:mirror/ → azure (mirror, at most 3 deletes).</summary>
public sealed class SyncRuleTests(SyncFixture fixture) : IClassFixture<SyncFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reconciling_on_demand_needs_the_workers_key_and_runs_nothing_without_it()
    {
        var aws = fixture.Store("aws");
        var gcp = fixture.Store("gcp");
        const string key = "datasets/unkeyed.csv";
        var sha256 = await PutAsync(aws, key);

        foreach (var wrong in new[] { null, "", "not-the-key" })
        {
            using var refused = await fixture.PostReconcileAsync("gcp", wrong);
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains("X-Api-Key", await refused.Content.ReadAsStringAsync(Cancellation));
        }
        Assert.Null(await gcp.GetInfoAsync(key, Cancellation));

        Assert.Empty(Rule(await fixture.ReconcileAsync("gcp"), "datasets/").Failures);
        Assert.Equal(sha256, (await gcp.GetInfoAsync(key, Cancellation))?.Sha256);
    }

    [Fact]
    public async Task A_copy_rule_copies_new_and_changed_objects_and_deletes_nothing()
    {
        var aws = fixture.Store("aws");
        var gcp = fixture.Store("gcp");
        var fresh = await PutAsync(aws, "datasets/fresh.csv");
        var changed = await PutAsync(aws, "datasets/changed.csv");
        await PutAsync(gcp, "datasets/changed.csv");
        var onlyInDestination = await PutAsync(gcp, "datasets/only-here.csv");

        var report = Rule(await fixture.ReconcileAsync("gcp"), "datasets/");

        Assert.Empty(report.Failures);
        Assert.Equal((1, 1, 0), (report.Copied, report.Updated, report.Deleted));
        Assert.Equal(fresh, (await gcp.GetInfoAsync("datasets/fresh.csv", Cancellation))!.Sha256);
        Assert.Equal(changed, (await gcp.GetInfoAsync("datasets/changed.csv", Cancellation))!.Sha256);
        Assert.Equal(onlyInDestination, (await gcp.GetInfoAsync("datasets/only-here.csv", Cancellation))!.Sha256);

        var again = Rule(await fixture.ReconcileAsync("gcp"), "datasets/");
        Assert.Equal((0, 0), (again.Copied, again.Updated));
    }

    [Fact]
    public async Task A_mirror_rule_deletes_what_the_source_lost_but_never_more_than_its_limit()
    {
        var aws = fixture.Store("aws");
        var azure = fixture.Store("azure");
        await PutAsync(aws, "mirror/kept.bin");
        for (var i = 0; i < SyncFixture.MirrorMaxDeletes + 1; i++)
        {
            await PutAsync(azure, $"mirror/stale-{i}.bin");
        }

        var refused = Rule(await fixture.ReconcileAsync("azure"), "mirror/");

        Assert.Equal(0, refused.Deleted);
        Assert.Contains("MaxDeletes", refused.DeletesSkipped);
        Assert.NotNull(await azure.GetInfoAsync("mirror/stale-0.bin", Cancellation));
        Assert.NotNull(await azure.GetInfoAsync("mirror/kept.bin", Cancellation));

        await azure.DeleteAsync("mirror/stale-0.bin", Cancellation);
        var mirrored = Rule(await fixture.ReconcileAsync("azure"), "mirror/");

        Assert.Equal(SyncFixture.MirrorMaxDeletes, mirrored.Deleted);
        Assert.Null(mirrored.DeletesSkipped);
        Assert.Equal(["mirror/kept.bin"], await KeysAsync(azure, "mirror/"));
    }

    private static async Task<string> PutAsync(IObjectStore store, string key) =>
        (await store.PutAsync(key, new MemoryStream(RandomNumberGenerator.GetBytes(2048)), cancellationToken: Cancellation)).Sha256!;

    private static RuleReport Rule(ReconcileReport report, string prefix) => Assert.Single(report.Rules, rule => rule.Rule.Contains(":" + prefix));

    private static async Task<List<string>> KeysAsync(IObjectStore store, string prefix)
    {
        var keys = new List<string>();
        await foreach (var info in store.ListAsync(prefix, Cancellation))
        {
            keys.Add(info.Key);
        }
        return keys;
    }
}
