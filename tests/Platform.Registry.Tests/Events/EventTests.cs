using System.Net;
using Platform.Contracts.Models;
using Platform.Contracts.Storage;
using Platform.Registry.Apis;
using Platform.Registry.Tests.Hosting;
using Platform.Storage;
using Platform.Storage.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Registry.Infrastructure;

namespace Platform.Registry.Tests.Events;

/// <summary>Events through a real RabbitMQ: published from the outbox, held through an outage and a restart, consumed idempotently.</summary>
public sealed class EventTests(MessagingFixture fixture) : IClassFixture<MessagingFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Registering_and_moving_an_alias_publish_their_events()
    {
        var name = RegistryHttp.NewModelName();
        await fixture.Writer.CreateModelAsync(name);
        var version = await fixture.Writer.RegisterAsync(name);
        (await fixture.Writer.SetAliasAsync(name, "production", version.Version)).EnsureSuccessStatusCode();

        var registered = await fixture.Observer.WaitForAsync<ModelVersionRegistered>(e => e.Model == name, Patience);
        var stored = await fixture.Observer.WaitForAsync<ArtifactStored>(e => e.Model == name, Patience);
        var aliased = await fixture.Observer.WaitForAsync<ModelAliasChanged>(e => e.Model == name, Patience);

        Assert.Equal(("READY", version.Sha256), (registered.Status, registered.Sha256));
        Assert.Equal((version.Key, version.Size, "home"), (stored.Key, (long?)stored.Size, stored.Store));
        Assert.Equal(["home", "remote"], stored.TargetStores);
        Assert.Equal(("production", null, 1, "ci"), (aliased.Alias, aliased.PreviousVersion, aliased.Version, aliased.ChangedBy));
    }

    [Fact]
    public async Task Events_written_while_rabbitmq_is_down_are_delivered_once_it_is_back_even_across_a_registry_restart_during_the_outage()
    {
        var whileRunning = RegistryHttp.NewModelName();
        var acrossRestart = RegistryHttp.NewModelName();
        await fixture.Writer.CreateModelAsync(whileRunning);
        await fixture.Writer.CreateModelAsync(acrossRestart);

        await fixture.Broker.StopAsync();
        try
        {
            await fixture.Writer.RegisterAsync(whileRunning);
        }
        finally
        {
            await fixture.StartBrokerAsync();
        }
        await fixture.Observer.WaitForAsync<ModelVersionRegistered>(e => e.Model == whileRunning, Patience);

        await fixture.Broker.StopAsync();
        try
        {
            await fixture.Writer.RegisterAsync(acrossRestart);
            (await fixture.Writer.SetAliasAsync(acrossRestart, "staging", 1)).EnsureSuccessStatusCode();
            await fixture.StopServerAsync();
        }
        finally
        {
            // The registry comes back first, to a broker still down: its bus starts, and its outbox publishes, once it answers.
            await fixture.StartServerAsync();
            await fixture.StartBrokerAsync();
        }

        await fixture.Observer.WaitForAsync<ModelVersionRegistered>(e => e.Model == acrossRestart, Patience);
        await fixture.Observer.WaitForAsync<ArtifactStored>(e => e.Model == acrossRestart, Patience);
        await fixture.Observer.WaitForAsync<ModelAliasChanged>(e => e.Model == acrossRestart && e.Alias == "staging", Patience);
    }

    [Fact]
    public async Task A_replica_report_is_recorded_once_and_only_when_its_hash_matches()
    {
        var name = RegistryHttp.NewModelName();
        await fixture.Writer.CreateModelAsync(name);
        var version = await fixture.Writer.RegisterAsync(name);
        // Put a real copy where the report says it is, as a sync worker would have.
        var remote = fixture.Server.Services.GetRequiredService<ObjectStores>().Get("remote");
        await remote.PutAsync(version.Key, new MemoryStream(TestModels.HousePrice), cancellationToken: Cancellation);
        var firstCheck = DateTimeOffset.UtcNow;

        // The registry consumes reports one at a time, in order: once the good one shows, the bad one was already refused.
        await fixture.Observer.Publisher.Publish(Report(version, "remote", sha256: new string('0', 64), firstCheck), Cancellation);
        await fixture.Observer.Publisher.Publish(Report(version, "remote", version.Sha256!, firstCheck), Cancellation);
        var recorded = await WaitForReplicaAsync(name, replica => replica.Store == "remote");
        await fixture.Observer.Publisher.Publish(Report(version, "remote", version.Sha256!, firstCheck.AddMinutes(1)), Cancellation);
        var refreshed = await WaitForReplicaAsync(name, replica => replica.Store == "remote" && replica.VerifiedAt > recorded.VerifiedAt);

        Assert.Equal(version.Sha256, recorded.Sha256);
        Assert.Equal("aws", refreshed.Cloud);
        var replicas = await (await fixture.Writer.GetAsync($"/api/models/{name}/versions/1/replicas", Cancellation))
            .ReadAsync<List<ReplicaResponse>>(HttpStatusCode.OK);
        Assert.Equal(["home", "remote"], replicas.Select(replica => replica.Store));
        using var download = await fixture.Writer.GetAsync($"/api/models/{name}/versions/1/artifact?store=remote", Cancellation);
        Assert.Equal("remote", download.Headers.GetValues(ArtifactsApi.ReplicaStoreHeader).Single());
        Assert.Equal(TestModels.HousePrice, await download.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [Fact]
    public async Task Dispatched_events_beyond_the_number_kept_are_purged_and_pending_ones_stay()
    {
        var name = RegistryHttp.NewModelName();
        await fixture.Writer.CreateModelAsync(name);
        for (var i = 0; i < 3; i++)
        {
            await fixture.Writer.RegisterAsync(name);
        }
        await fixture.Observer.WaitForAsync<ArtifactStored>(e => e.Model == name && e.Version == 3, Patience);

        using var deadline = new CancellationTokenSource(Patience);
        while (true)
        {
            using var scope = fixture.Server.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            if (await db.Outbox.CountAsync(message => message.DispatchedAt != null, Cancellation) <= MessagingFixture.KeepDispatched)
            {
                break;
            }
            await Task.Delay(200, deadline.Token);
        }
    }

    private static ArtifactReplicated Report(VersionResponse version, string store, string sha256, DateTimeOffset verifiedAt) => new()
    {
        SourceStore = version.Store,
        Store = store,
        Key = version.Key,
        Size = version.Size!.Value,
        Sha256 = sha256,
        Model = version.Model,
        Version = version.Version,
        VerifiedAt = verifiedAt,
    };

    private async Task<ReplicaResponse> WaitForReplicaAsync(string name, Func<ReplicaResponse, bool> match)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (true)
        {
            var version = await (await fixture.Writer.GetAsync($"/api/models/{name}/versions/1", Cancellation)).ReadAsync<VersionResponse>(HttpStatusCode.OK);
            if (version.Replicas.FirstOrDefault(match) is { } replica)
            {
                return replica;
            }
            await Task.Delay(200, deadline.Token);
        }
    }
}
