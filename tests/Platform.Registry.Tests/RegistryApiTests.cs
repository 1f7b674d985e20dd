using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Registry.Apis;
using Platform.Registry.Infrastructure;
using Platform.Registry.Model;
using Platform.Registry.Services;
using Platform.Storage.Configuration;
using Platform.Registry.Tests.Hosting;

namespace Platform.Registry.Tests;

/// <summary>The registry's behaviour over HTTP; every database provider runs all of it (see the subclasses at the end).</summary>
public abstract class RegistryApiTests<TFixture>(TFixture fixture) where TFixture : RegistryFixture
{
    protected TFixture Fixture { get; } = fixture;

    private HttpClient Writer => Fixture.Writer;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_trained_model_registers_and_its_signature_and_lineage_read_back()
    {
        var name = RegistryHttp.NewModelName();
        await Writer.CreateModelAsync(name);
        const string lineage = """{"params":{"learningRate":"0.1"},"metrics":{"rmse":1.25},"tags":["nightly"],"source":{"datasetUri":"s3://data/houses.csv","gitCommit":"abc123"}}""";

        using var upload = await Writer.UploadAsync(name, TestModels.HousePrice, lineage: lineage);
        var created = await upload.ReadAsync<VersionResponse>(HttpStatusCode.Created);
        var version = await (await Fixture.Reader.GetAsync($"/api/models/{name}/versions/{created.Version}", Cancellation)).ReadAsync<VersionResponse>(HttpStatusCode.OK);

        Assert.Equal(1, version.Version);
        Assert.Equal("READY", version.Status);
        Assert.Equal($"models/{name}/1/model.onnx", version.Key);
        Assert.Equal(TestModels.HousePrice.Length, version.Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(TestModels.HousePrice)), version.Sha256);
        var size = Assert.Single(version.Signature!.Inputs, input => input.Name == "Size");
        Assert.Equal("float", size.ElementType);
        Assert.Equal([-1L, 1L], size.Shape);
        Assert.Contains(version.Signature.Outputs, output => output.Name.StartsWith("Score", StringComparison.Ordinal));
        Assert.True(version.Signature.Opset > 0);
        Assert.Equal("0.1", version.Lineage.Params["learningRate"]);
        Assert.Equal(1.25, version.Lineage.Metrics["rmse"]);
        Assert.Equal("abc123", version.Lineage.Source!.GitCommit);
        Assert.Equal("ci", version.CreatedBy);
        Assert.Equal("home", Assert.Single(version.Replicas).Store);

        using var artifact = await Fixture.Reader.GetAsync($"/api/models/{name}/versions/1/artifact", Cancellation);
        Assert.Equal(HttpStatusCode.OK, artifact.StatusCode);
        Assert.Equal(TestModels.HousePrice, await artifact.Content.ReadAsByteArrayAsync(Cancellation));
        Assert.Equal("home", artifact.Headers.GetValues(ArtifactsApi.ReplicaStoreHeader).Single());
    }

    [Fact]
    public async Task A_corrupt_artifact_ends_as_a_failed_version_with_its_reason_and_nothing_stored()
    {
        var name = RegistryHttp.NewModelName();
        await Writer.CreateModelAsync(name);
        var garbage = RandomNumberGenerator.GetBytes(4096);

        using var upload = await Writer.UploadAsync(name, garbage);
        var problem = await upload.ReadAsync<ProblemDetails>(HttpStatusCode.BadRequest);
        var version = await (await Writer.GetAsync($"/api/models/{name}/versions/1", Cancellation)).ReadAsync<VersionResponse>(HttpStatusCode.OK);

        Assert.Equal("FAILED", problem.Extensions["versionStatus"]?.ToString());
        Assert.Equal("FAILED", version.Status);
        Assert.False(string.IsNullOrWhiteSpace(version.FailureReason));
        Assert.Empty(version.Replicas);
        Assert.False(Directory.Exists(Path.Combine(Fixture.HomeStorePath, "models", name)) &&
            Directory.EnumerateFiles(Path.Combine(Fixture.HomeStorePath, "models", name), "*", SearchOption.AllDirectories).Any());
        Assert.Equal(HttpStatusCode.Conflict, (await Writer.GetAsync($"/api/models/{name}/versions/1/artifact", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Writer.SetAliasAsync(name, "production", 1)).StatusCode);
    }

    [Fact]
    public async Task An_upload_that_is_not_an_octet_stream_gets_415()
    {
        var name = RegistryHttp.NewModelName();
        await Writer.CreateModelAsync(name);

        using var upload = await Writer.UploadAsync(name, TestModels.HousePrice, contentType: "application/json");

        await upload.ReadAsync<ProblemDetails>(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(0, (await (await Writer.GetAsync($"/api/models/{name}", Cancellation)).ReadAsync<ModelResponse>(HttpStatusCode.OK)).LatestVersion);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_oversize_artifact_gets_413_and_leaves_no_artifact(bool chunked)
    {
        var name = RegistryHttp.NewModelName();
        await Writer.CreateModelAsync(name);
        var oversize = new byte[RegistryFixture.MaxArtifactBytes + 1];

        using var upload = await Writer.UploadAsync(name, oversize, chunked: chunked);

        await upload.ReadAsync<ProblemDetails>(HttpStatusCode.RequestEntityTooLarge);
        var versions = await (await Writer.GetAsync($"/api/models/{name}/versions", Cancellation)).ReadAsync<PagedResult<VersionResponse>>(HttpStatusCode.OK);
        Assert.DoesNotContain(versions.Items, version => version.Status == "READY");
        Assert.False(Directory.Exists(Path.Combine(Fixture.HomeStorePath, "models", name)) &&
            Directory.EnumerateFiles(Path.Combine(Fixture.HomeStorePath, "models", name), "*", SearchOption.AllDirectories).Any());
    }

    [Theory]
    [InlineData("Upper-Case")]
    [InlineData("-leading-dash")]
    [InlineData("under_score")]
    public async Task A_model_name_that_is_not_a_dns_label_gets_400(string name)
    {
        using var response = await Writer.PostAsJsonAsync("/api/models", new CreateModelRequest(name, null, null, null), RegistryHttp.Json, Cancellation);

        var problem = await response.ReadAsync<HttpValidationProblemDetails>(HttpStatusCode.BadRequest);
        Assert.Contains("name", problem.Errors.Keys);
    }

    [Fact]
    public async Task Unknown_models_versions_and_aliases_get_404()
    {
        var name = RegistryHttp.NewModelName();
        await Writer.CreateModelAsync(name);
        await Writer.RegisterAsync(name);

        Assert.Equal(HttpStatusCode.NotFound, (await Writer.GetAsync("/api/models/no-such-model", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Writer.GetAsync($"/api/models/{name}/versions/7", Cancellation)).StatusCode);
        await (await Writer.GetAsync($"/api/resolve/{name}@nowhere", Cancellation)).ReadAsync<ProblemDetails>(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, (await Writer.GetAsync($"/api/models/{name}/versions/@nowhere/artifact", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Writer.GetAsync($"/api/resolve/{name}/1", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task Moving_an_alias_with_a_stale_etag_gets_412_and_changes_nothing()
    {
        var name = RegistryHttp.NewModelName();
        await Writer.CreateModelAsync(name);
        await Writer.RegisterAsync(name);
        await Writer.RegisterAsync(name);
        await Writer.RegisterAsync(name);

        using var created = await Writer.SetAliasAsync(name, "production", 1, ifNoneMatch: true);
        var firstTag = (await created.ReadAsync<AliasResponse>(HttpStatusCode.Created)).ETag;
        using var moved = await Writer.SetAliasAsync(name, "production", 2, ifMatch: firstTag);
        var secondTag = (await moved.ReadAsync<AliasResponse>(HttpStatusCode.OK)).ETag;
        using var stale = await Writer.SetAliasAsync(name, "production", 3, ifMatch: firstTag);
        using var createAgain = await Writer.SetAliasAsync(name, "production", 3, ifNoneMatch: true);

        await stale.ReadAsync<ProblemDetails>(HttpStatusCode.PreconditionFailed);
        Assert.Equal(HttpStatusCode.PreconditionFailed, createAgain.StatusCode);
        Assert.NotEqual(firstTag, secondTag);
        using var current = await Writer.GetAsync($"/api/models/{name}/aliases/production", Cancellation);
        Assert.Equal(2, (await current.ReadAsync<AliasResponse>(HttpStatusCode.OK)).Version);
        Assert.Equal(secondTag, current.Headers.ETag!.Tag);
        Assert.Equal(2, (await (await Writer.GetAsync($"/api/resolve/{name}@production", Cancellation)).ReadAsync<VersionResponse>(HttpStatusCode.OK)).Version);
    }

    [Fact]
    public async Task Alias_history_records_who_moved_it_when_and_from_which_version_to_which()
    {
        var name = RegistryHttp.NewModelName();
        await Writer.CreateModelAsync(name);
        await Writer.RegisterAsync(name);
        await Writer.RegisterAsync(name);

        (await Writer.SetAliasAsync(name, "staging", 1)).EnsureSuccessStatusCode();
        (await Writer.SetAliasAsync(name, "staging", 2)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NoContent, (await Writer.DeleteAsync($"/api/models/{name}/aliases/staging", Cancellation)).StatusCode);

        var history = await (await Writer.GetAsync($"/api/models/{name}/aliases/staging/history", Cancellation))
            .ReadAsync<List<AliasChangeResponse>>(HttpStatusCode.OK);
        Assert.Equal([(null, 1), (1, 2), (2, null)], history.Select(change => (change.FromVersion, change.ToVersion)));
        Assert.All(history, change => Assert.Equal("ci", change.ChangedBy));
        Assert.Equal(HttpStatusCode.NotFound, (await Writer.GetAsync($"/api/resolve/{name}@staging", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task Concurrent_registrations_get_distinct_consecutive_versions()
    {
        var name = RegistryHttp.NewModelName();
        await Writer.CreateModelAsync(name);

        var versions = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Writer.RegisterAsync(name)));

        Assert.Equal(Enumerable.Range(1, 8), versions.Select(version => version.Version).Order());
        Assert.All(versions, version => Assert.Equal("READY", version.Status));
    }

    [Fact]
    public async Task Writes_need_a_writer_key_or_token_and_reads_need_credentials_outside_development()
    {
        var name = RegistryHttp.NewModelName();
        var request = new CreateModelRequest(name, null, null, null);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Fixture.Anonymous.PostAsJsonAsync("/api/models", request, RegistryHttp.Json, Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Fixture.Anonymous.GetAsync("/api/models", Cancellation)).StatusCode);
        using var wrongKey = Fixture.Server.CreateClient("not-a-key-anyone-was-given");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrongKey.PostAsJsonAsync("/api/models", request, RegistryHttp.Json, Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Fixture.Reader.PostAsJsonAsync("/api/models", request, RegistryHttp.Json, Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Fixture.Reader.GetAsync("/api/models", Cancellation)).StatusCode);

        using var bearer = Fixture.Server.CreateClient();
        bearer.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.Create("pipeline", RegistryFixture.JwtSigningKey, "registry:write"));
        var model = await bearer.CreateModelAsync(name);
        Assert.Equal("pipeline", model.CreatedBy);
    }

    [Fact]
    public async Task Models_list_in_pages_filtered_by_prefix_and_tag_and_archived_ones_drop_out()
    {
        var prefix = "p" + Guid.NewGuid().ToString("n")[..8];
        foreach (var index in Enumerable.Range(0, 5))
        {
            await Writer.CreateModelAsync($"{prefix}-{index}", tags: index % 2 == 0 ? ["vision"] : ["text"]);
        }
        using var update = await Writer.PatchAsJsonAsync($"/api/models/{prefix}-1", new UpdateModelRequest("now a vision model", ["vision", "beta"]), RegistryHttp.Json, Cancellation);
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Writer.DeleteAsync($"/api/models/{prefix}-4", Cancellation)).StatusCode);

        var firstPage = await (await Writer.GetAsync($"/api/models?prefix={prefix}&tag=vision&pageSize=2", Cancellation)).ReadAsync<PagedResult<ModelResponse>>(HttpStatusCode.OK);
        var secondPage = await (await Writer.GetAsync($"/api/models?prefix={prefix}&tag=vision&pageSize=2&pageIndex=1", Cancellation)).ReadAsync<PagedResult<ModelResponse>>(HttpStatusCode.OK);

        Assert.Equal(3, firstPage.Count);
        Assert.Equal([$"{prefix}-0", $"{prefix}-1", $"{prefix}-2"], firstPage.Items.Concat(secondPage.Items).Select(model => model.Name));
        Assert.Equal("now a vision model", firstPage.Items[1].Description);
        var archived = await (await Writer.GetAsync($"/api/models/{prefix}-4", Cancellation)).ReadAsync<ModelResponse>(HttpStatusCode.OK);
        Assert.True(archived.Archived);
        Assert.Equal(HttpStatusCode.Conflict, (await Writer.UploadAsync($"{prefix}-4", TestModels.HousePrice)).StatusCode);
    }

    [Fact]
    public async Task The_replication_policy_defaults_to_every_store_and_can_name_clouds()
    {
        var name = RegistryHttp.NewModelName();
        var model = await Writer.CreateModelAsync(name);
        Assert.Equal(["home", "remote"], model.Replication.ResolvedStores);

        using var set = await Writer.PutAsJsonAsync($"/api/models/{name}/replication-policy", new ReplicationPolicyRequest(null, ["aws"]), RegistryHttp.Json, Cancellation);
        Assert.Equal(["remote"], (await set.ReadAsync<ReplicationPolicyResponse>(HttpStatusCode.OK)).ResolvedStores);
        using var bad = await Writer.PutAsJsonAsync($"/api/models/{name}/replication-policy", new ReplicationPolicyRequest(["nowhere"], null), RegistryHttp.Json, Cancellation);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task An_upload_a_crash_left_behind_is_failed_and_what_it_stored_is_deleted()
    {
        var name = RegistryHttp.NewModelName();
        await Writer.CreateModelAsync(name);
        var key = $"models/{name}/1/model.onnx";
        // What a registry that died mid-upload leaves: the number taken, an UPLOADING row, and the artifact already in the store.
        using (var scope = Fixture.Server.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            var model = await db.Models.SingleAsync(m => m.Name == name, Cancellation);
            model.LastVersion = 1;
            db.Versions.Add(new ModelVersion
            {
                ModelId = model.Id, Version = 1, Status = VersionStatus.Uploading, Store = "home", Key = key,
                CreatedBy = "ci", CreatedAt = DateTimeOffset.UtcNow.AddHours(-2),
            });
            await db.SaveChangesAsync(Cancellation);
        }
        var home = Fixture.Server.Services.GetRequiredService<ObjectStores>().Get("home");
        await home.PutAsync(key, new MemoryStream(TestModels.HousePrice), cancellationToken: Cancellation);

        var settled = await Fixture.Server.Services.GetRequiredService<AbandonedUploadSweeper>().SweepAsync(TimeSpan.FromHours(1), Cancellation);

        Assert.True(settled >= 1);
        var version = await (await Writer.GetAsync($"/api/models/{name}/versions/1", Cancellation)).ReadAsync<VersionResponse>(HttpStatusCode.OK);
        Assert.Equal("FAILED", version.Status);
        Assert.Contains("abandoned", version.FailureReason);
        Assert.Null(await home.GetInfoAsync(key, Cancellation));
        Assert.Equal(2, (await Writer.RegisterAsync(name)).Version);
    }

    [Fact]
    public async Task A_fresh_upload_in_progress_is_not_taken_for_abandoned()
    {
        var name = RegistryHttp.NewModelName();
        await Writer.CreateModelAsync(name);
        using (var scope = Fixture.Server.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            var model = await db.Models.SingleAsync(m => m.Name == name, Cancellation);
            model.LastVersion = 1;
            db.Versions.Add(new ModelVersion
            {
                ModelId = model.Id, Version = 1, Status = VersionStatus.Uploading, Store = "home", Key = $"models/{name}/1/model.onnx",
                CreatedBy = "ci", CreatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync(Cancellation);
        }

        await Fixture.Server.Services.GetRequiredService<AbandonedUploadSweeper>().SweepAsync(TimeSpan.FromHours(1), Cancellation);

        var version = await (await Writer.GetAsync($"/api/models/{name}/versions/1", Cancellation)).ReadAsync<VersionResponse>(HttpStatusCode.OK);
        Assert.Equal("UPLOADING", version.Status);
    }

    [Fact]
    public async Task The_replication_listing_pages_through_ready_versions_with_their_targets_and_replicas()
    {
        var name = RegistryHttp.NewModelName();
        await Writer.CreateModelAsync(name, replication: new ReplicationPolicyRequest(null, ["aws"]));
        await Writer.RegisterAsync(name);
        await Writer.UploadAsync(name, RandomNumberGenerator.GetBytes(100));
        await Writer.RegisterAsync(name);

        var found = new List<ExpectedReplicas>();
        long? after = 0;
        var pages = 0;
        while (after is not null)
        {
            var page = await (await Fixture.Reader.GetAsync($"/api/replication/versions?afterId={after}&limit=2", Cancellation)).ReadAsync<ExpectedReplicasPage>(HttpStatusCode.OK);
            found.AddRange(page.Items.Where(item => item.Model == name));
            after = page.NextAfterId;
            pages++;
        }

        Assert.True(pages >= 2);
        Assert.Equal([1, 3], found.Select(item => item.Version));
        Assert.All(found, item => Assert.Equal(["remote"], item.TargetStores));
        Assert.All(found, item => Assert.Equal(["home"], item.Replicas));
        Assert.All(found, item => Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(TestModels.HousePrice)), item.Sha256));
    }

    [Fact]
    public async Task The_openapi_document_describes_every_operation()
    {
        var document = await Fixture.Anonymous.GetStringAsync("/openapi/v1.json", Cancellation);

        foreach (var operation in new[] { "CreateModel", "RegisterVersion", "SetAlias", "ResolveReference", "DownloadArtifact" })
        {
            Assert.Contains($"\"{operation}\"", document);
        }
    }
}

public sealed class SqliteRegistryApiTests(SqliteRegistryFixture fixture)
    : RegistryApiTests<SqliteRegistryFixture>(fixture), IClassFixture<SqliteRegistryFixture>;

public sealed class PostgresRegistryApiTests(PostgresRegistryFixture fixture)
    : RegistryApiTests<PostgresRegistryFixture>(fixture), IClassFixture<PostgresRegistryFixture>;
