using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Platform.Contracts.Storage;
using Platform.Storage;
using Platform.Sync.Tests.Hosting;

namespace Platform.Sync.Tests;

/// <summary>Replication through real RabbitMQ between the three emulated clouds, one worker per cloud.</summary>
public sealed class ReplicationTests(SyncFixture fixture) : IClassFixture<SyncFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_artifact_stored_in_one_cloud_is_replicated_to_the_other_two_and_verified()
    {
        var (key, content, stored) = await PutAsync("aws", 3 * 1024 * 1024 + 17);

        await fixture.Observer.Publisher.Publish(Stored("aws", key, stored, ["aws", "gcp", "azure"]), Cancellation);

        foreach (var cloud in new[] { "gcp", "azure" })
        {
            var report = await fixture.Observer.WaitForAsync<ArtifactReplicated>(e => e.Key == key && e.Store == cloud, Patience);
            Assert.Equal(("aws", stored.Sha256, stored.Size), (report.SourceStore, report.Sha256, report.Size));
            Assert.Equal(content, await ReadAsync(cloud, key));
            Assert.Equal(stored.Sha256, (await fixture.Store(cloud).GetInfoAsync(key, Cancellation))!.Sha256);
        }
        Assert.DoesNotContain(fixture.Observer.All<ArtifactReplicated>(), e => e.Key == key && e.Store == "aws");
    }

    [Fact]
    public async Task Copies_are_counted_in_bytes_and_objects_by_source_and_destination_cloud_with_their_lag()
    {
        var measurements = new System.Collections.Concurrent.ConcurrentQueue<(string Instrument, double Value, string? Source, string? Destination)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meters) =>
        {
            if (instrument.Meter.Name == "Platform.Sync")
            {
                meters.EnableMeasurementEvents(instrument);
            }
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? source = null, destination = null;
            foreach (var tag in tags)
            {
                source = tag.Key == "source_cloud" ? tag.Value?.ToString() : source;
                destination = tag.Key == "destination_cloud" ? tag.Value?.ToString() : destination;
            }
            measurements.Enqueue((instrument.Name, value, source, destination));
        }
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();
        var (key, _, stored) = await PutAsync("azure", 123_456);

        await fixture.Observer.Publisher.Publish(Stored("azure", key, stored, ["gcp"]), Cancellation);
        await fixture.Observer.WaitForAsync<ArtifactReplicated>(e => e.Key == key && e.Store == "gcp", Patience);

        Assert.Contains(measurements, m => m == ("platform.sync.copied.bytes", 123_456, "azure", "gcp"));
        Assert.Contains(measurements, m => m == ("platform.sync.copied.objects", 1, "azure", "gcp"));
        Assert.Contains(measurements, m => m.Instrument == "platform.sync.replication.lag" && m.Source == "azure" && m.Value >= 0);
    }

    [Fact]
    public async Task A_duplicate_delivery_costs_only_a_metadata_check()
    {
        var (key, _, stored) = await PutAsync("gcp", 200_000);
        var message = Stored("gcp", key, stored, ["azure"]);
        await fixture.Observer.Publisher.Publish(message, Cancellation);
        await fixture.Observer.WaitForAsync<ArtifactReplicated>(e => e.Key == key && e.Store == "azure", Patience);
        var first = await fixture.Store("azure").GetInfoAsync(key, Cancellation);

        await fixture.Observer.Publisher.Publish(message, Cancellation);
        await WaitForCountAsync<ArtifactReplicated>(e => e.Key == key && e.Store == "azure", 2);

        var second = await fixture.Store("azure").GetInfoAsync(key, Cancellation);
        Assert.Equal(first!.LastModified, second!.LastModified);
        Assert.Equal(first.Sha256, second.Sha256);
    }

    [Fact]
    public async Task A_different_object_under_the_key_is_reported_as_a_conflict_and_left_alone()
    {
        var (key, _, stored) = await PutAsync("aws", 1000);
        var squatter = RandomNumberGenerator.GetBytes(1000);
        await fixture.Store("azure").PutAsync(key, new MemoryStream(squatter), cancellationToken: Cancellation);

        await fixture.Observer.Publisher.Publish(Stored("aws", key, stored, ["azure"]), Cancellation);

        var failure = await fixture.Observer.WaitForAsync<ArtifactReplicationFailed>(e => e.Key == key && e.Store == "azure", Patience);
        Assert.Equal("Conflict", failure.Kind);
        Assert.Equal(squatter, await ReadAsync("azure", key));
    }

    [Fact]
    public async Task A_corrupt_source_is_detected_and_nothing_is_copied()
    {
        var (key, content, stored) = await PutAsync("aws", 100_000);
        // Different bytes under the key, still claiming the original hash: bit rot, or a bad write behind the platform's back.
        using (var s3 = new AmazonS3Client(new BasicAWSCredentials("test", "test"),
            new AmazonS3Config { ServiceURL = fixture.Clouds.StoreSettings["Storage:Stores:aws:Endpoint"], ForcePathStyle = true }))
        {
            var corrupt = (byte[])content.Clone();
            corrupt[500] ^= 0xFF;
            var request = new PutObjectRequest { BucketName = Clouds.Bucket, Key = key, InputStream = new MemoryStream(corrupt) };
            request.Metadata.Add("sha256", stored.Sha256);
            await s3.PutObjectAsync(request, Cancellation);
        }

        await fixture.Observer.Publisher.Publish(Stored("aws", key, stored, ["gcp"]), Cancellation);

        var failure = await fixture.Observer.WaitForAsync<ArtifactReplicationFailed>(e => e.Key == key && e.Store == "gcp", Patience);
        Assert.Equal("SourceCorrupt", failure.Kind);
        Assert.Null(await fixture.Store("gcp").GetInfoAsync(key, Cancellation));
    }

    [Fact]
    public async Task A_source_whose_hash_is_not_the_announced_one_is_refused()
    {
        var (key, _, stored) = await PutAsync("gcp", 5000);

        await fixture.Observer.Publisher.Publish(Stored("gcp", key, stored, ["aws"]) with { Sha256 = new string('a', 64) }, Cancellation);

        var failure = await fixture.Observer.WaitForAsync<ArtifactReplicationFailed>(e => e.Key == key && e.Store == "aws", Patience);
        Assert.Equal("SourceCorrupt", failure.Kind);
        Assert.Null(await fixture.Store("aws").GetInfoAsync(key, Cancellation));
    }

    [Fact]
    public async Task A_replicate_object_command_copies_ad_hoc_with_the_hash_the_source_records()
    {
        var (key, content, _) = await PutAsync("azure", 70_000);

        await fixture.Observer.Publisher.Publish(new ReplicateObject
        {
            SourceStore = "azure", Key = key, TargetStores = ["aws", "gcp"], RequestedAt = DateTimeOffset.UtcNow,
        }, Cancellation);

        await fixture.Observer.WaitForAsync<ArtifactReplicated>(e => e.Key == key && e.Store == "aws", Patience);
        await fixture.Observer.WaitForAsync<ArtifactReplicated>(e => e.Key == key && e.Store == "gcp", Patience);
        Assert.Equal(content, await ReadAsync("aws", key));
        Assert.Equal(content, await ReadAsync("gcp", key));
    }

    [Fact]
    public async Task A_copy_that_keeps_failing_is_retried_redelivered_then_reported_and_dead_lettered()
    {
        var key = $"outage/{Guid.NewGuid():n}.bin";

        await fixture.Observer.Publisher.Publish(new ReplicateObject
        {
            SourceStore = "down", Key = key, TargetStores = ["gcp"], Sha256 = new string('b', 64), RequestedAt = DateTimeOffset.UtcNow,
        }, Cancellation);

        var failure = await fixture.Observer.WaitForAsync<ArtifactReplicationFailed>(e => e.Key == key, Patience);
        Assert.Equal(("Error", "gcp"), (failure.Kind, failure.Store));
        // The report goes out just before the message is moved to the error queue.
        using var deadline = new CancellationTokenSource(Patience);
        while (await fixture.Clouds.Broker.MessageCountAsync("sync-gcp-replicate-object_error") == 0)
        {
            await Task.Delay(100, deadline.Token);
        }
        // One delivery and one redelivery, both failing; the failure is reported once, after the last.
        Assert.Single(fixture.Observer.All<ArtifactReplicationFailed>(), e => e.Key == key);
    }

    private async Task<(string Key, byte[] Content, ObjectInfo Stored)> PutAsync(string store, int size)
    {
        var key = $"models/test-{Guid.NewGuid():n}/1/model.onnx";
        var content = RandomNumberGenerator.GetBytes(size);
        var stored = await fixture.Store(store).PutAsync(key, new MemoryStream(content), cancellationToken: Cancellation);
        return (key, content, stored);
    }

    private static ArtifactStored Stored(string store, string key, ObjectInfo stored, IReadOnlyList<string> targets) => new()
    {
        Store = store, Key = key, Size = stored.Size, Sha256 = stored.Sha256!, TargetStores = targets, OccurredAt = DateTimeOffset.UtcNow,
    };

    private async Task<byte[]> ReadAsync(string store, string key)
    {
        await using var read = await fixture.Store(store).OpenReadAsync(key, new ReadOptions { VerifySha256 = true }, Cancellation);
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy, Cancellation);
        return copy.ToArray();
    }

    private async Task WaitForCountAsync<T>(Func<T, bool> match, int count)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (fixture.Observer.All<T>().Count(match) < count)
        {
            await Task.Delay(100, deadline.Token);
        }
    }
}
