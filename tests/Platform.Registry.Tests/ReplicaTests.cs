using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Registry.Apis;
using Platform.Registry.Infrastructure;
using Platform.Registry.Model;
using Platform.Registry.Tests.Hosting;
using Platform.Storage.Configuration;

namespace Platform.Registry.Tests;

/// <summary>
/// Four stores to choose among: <c>home</c> and <c>nearby</c> in the registry's cloud ("local"), <c>remote</c> and
/// <c>archive</c> in another ("aws").
/// </summary>
public sealed class FourStoreRegistryFixture : SqliteRegistryFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> MoreSettings() =>
        new[] { (Name: "nearby", Cloud: "local"), (Name: "archive", Cloud: "aws") }.SelectMany(store => new KeyValuePair<string, string?>[]
        {
            new($"Storage:Stores:{store.Name}:Provider", "FileSystem"),
            new($"Storage:Stores:{store.Name}:Path", StorePath(store.Name)),
            new($"Storage:Stores:{store.Name}:Cloud", store.Cloud),
            new($"Storage:Stores:{store.Name}:CreateIfMissing", "true"),
        });
}

public sealed class ReplicaTests(FourStoreRegistryFixture fixture) : IClassFixture<FourStoreRegistryFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private ObjectStores Stores => fixture.Server.Services.GetRequiredService<ObjectStores>();

    [Fact]
    public async Task Replicas_list_the_home_store_first_then_its_cloud_then_the_most_recently_verified_elsewhere()
    {
        var (name, version) = await RegisterAsync();
        var now = DateTimeOffset.UtcNow;
        await AddReplicaAsync(version, "remote", now.AddHours(-2));
        await AddReplicaAsync(version, "nearby", now.AddDays(-1));
        await AddReplicaAsync(version, "archive", now.AddHours(-1));

        var replicas = await (await fixture.Reader.GetAsync($"/api/models/{name}/versions/1/replicas", Cancellation))
            .ReadAsync<List<ReplicaResponse>>(HttpStatusCode.OK);

        Assert.Equal([("home", "local"), ("nearby", "local"), ("archive", "aws"), ("remote", "aws")], replicas.Select(replica => (replica.Store, replica.Cloud)));
    }

    [Fact]
    public async Task When_the_nearest_copy_is_missing_the_artifact_streams_from_the_next_one_and_with_none_left_gets_404()
    {
        var (name, version) = await RegisterAsync();
        await AddReplicaAsync(version, "nearby", DateTimeOffset.UtcNow);
        await AddReplicaAsync(version, "remote", DateTimeOffset.UtcNow);
        await Stores.Get("home").DeleteAsync(version.Key, Cancellation);

        using var fallback = await fixture.Reader.GetAsync($"/api/models/{name}/versions/1/artifact", Cancellation);
        Assert.Equal(HttpStatusCode.OK, fallback.StatusCode);
        Assert.Equal("nearby", fallback.Headers.GetValues(ArtifactsApi.ReplicaStoreHeader).Single());
        Assert.Equal(TestModels.HousePrice, await fallback.Content.ReadAsByteArrayAsync(Cancellation));

        await Stores.Get("nearby").DeleteAsync(version.Key, Cancellation);
        await Stores.Get("remote").DeleteAsync(version.Key, Cancellation);
        using var none = await fixture.Reader.GetAsync($"/api/models/{name}/versions/1/artifact", Cancellation);
        Assert.Contains("No reachable replica", (await none.ReadProblemAsync(HttpStatusCode.NotFound)).Detail);
    }

    [Fact]
    public async Task A_named_store_serves_its_copy_an_unknown_store_gets_400_and_a_store_without_a_copy_gets_404()
    {
        var (name, version) = await RegisterAsync();
        await AddReplicaAsync(version, "remote", DateTimeOffset.UtcNow);

        using var named = await fixture.Reader.GetAsync($"/api/models/{name}/versions/1/artifact?store=remote", Cancellation);
        using var unknown = await fixture.Reader.GetAsync($"/api/models/{name}/versions/1/artifact?store=nowhere", Cancellation);
        using var withoutCopy = await fixture.Reader.GetAsync($"/api/models/{name}/versions/1/artifact?store=archive", Cancellation);

        Assert.Equal("remote", named.Headers.GetValues(ArtifactsApi.ReplicaStoreHeader).Single());
        Assert.Equal(TestModels.HousePrice, await named.Content.ReadAsByteArrayAsync(Cancellation));
        Assert.Equal(["There is no configured store named 'nowhere'."], await unknown.ReadValidationErrorsAsync("store"));
        Assert.Contains("holds no verified replica", (await withoutCopy.ReadProblemAsync(HttpStatusCode.NotFound)).Detail);
    }

    private async Task<(string Name, VersionResponse Version)> RegisterAsync()
    {
        var name = RegistryHttp.NewModelName();
        await fixture.Writer.CreateModelAsync(name);
        return (name, await fixture.Writer.RegisterAsync(name));
    }

    /// <summary>What a sync worker's verified copy leaves behind: the bytes in the store, and the replica the registry recorded from its report.</summary>
    private async Task AddReplicaAsync(VersionResponse version, string store, DateTimeOffset verifiedAt)
    {
        await Stores.Get(store).PutAsync(version.Key, new MemoryStream(TestModels.HousePrice), cancellationToken: Cancellation);
        using var scope = fixture.Server.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var id = await db.Versions.Where(v => v.Model.Name == version.Model && v.Version == version.Version).Select(v => v.Id).SingleAsync(Cancellation);
        db.Replicas.Add(new Replica
        {
            ModelVersionId = id, Store = store, Key = version.Key, Sha256 = version.Sha256!, Size = version.Size!.Value, VerifiedAt = verifiedAt,
        });
        await db.SaveChangesAsync(Cancellation);
    }
}
