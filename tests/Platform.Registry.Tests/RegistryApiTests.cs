using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
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
        // A header carries ASCII only; JSON escapes carry the rest.
        const string lineage = """{"params":{"learningRate":"0.1"},"metrics":{"rmse":1.25},"tags":["nightly","\u00e9t\u00e9"],"source":{"datasetUri":"s3://data/maisons-\u00e9t\u00e9.csv","gitCommit":"abc123"}}""";

        using var upload = await Writer.UploadAsync(name, TestModels.HousePrice, lineage: lineage);
        var created = await upload.ReadAsync<VersionResponse>(HttpStatusCode.Created);
        var version = await (await Fixture.Reader.GetAsync($"/api/models/{name}/versions/{created.Version}", Cancellation)).ReadAsync<VersionResponse>(HttpStatusCode.OK);

        Assert.Equal(1, version.Version);
        Assert.Equal("READY", version.Status);
        Assert.Equal($"models/{name}/1/model.onnx", version.Key);
        Assert.Equal(TestModels.HousePrice.Length, version.Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(TestModels.HousePrice)), version.Sha256);
        // What ML.NET's export of the house-price pipeline declares: every column it passes through, the score last.
        Assert.Equal(
            [("Size", "float", "-1,1"), ("Rooms", "float", "-1,1"), ("Price", "float", "-1,1")],
            version.Signature!.Inputs.Select(Describe));
        Assert.Equal(
            [
                ("Size.output", "float", "-1,1"), ("Rooms.output", "float", "-1,1"), ("Price.output", "float", "-1,1"),
                ("Features.output", "float", "-1,2"), ("mlnet.Features.unusedOutput", "int64", "1,1"), ("Score.output", "float", "-1,1"),
            ],
            version.Signature.Outputs.Select(Describe));
        Assert.All(version.Signature.Inputs.Concat(version.Signature.Outputs), tensor => Assert.Equal("tensor", tensor.Kind));
        Assert.Equal(12, version.Signature.Opset);
        Assert.Equal(new Dictionary<string, long> { [""] = 12, ["ai.onnx.ml"] = 2 }, version.Signature.Opsets);
        Assert.Equal(6, version.Signature.IrVersion);
        Assert.Equal("ML.NET", version.Signature.ProducerName);
        Assert.Equal("0.1", version.Lineage.Params["learningRate"]);
        Assert.Equal(1.25, version.Lineage.Metrics["rmse"]);
        Assert.Equal(["nightly", "été"], version.Lineage.Tags);
        Assert.Equal("s3://data/maisons-été.csv", version.Lineage.Source!.DatasetUri);
        Assert.Equal("abc123", version.Lineage.Source.GitCommit);
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
        var problem = await upload.ReadProblemAsync(HttpStatusCode.BadRequest);
        var version = await (await Writer.GetAsync($"/api/models/{name}/versions/1", Cancellation)).ReadAsync<VersionResponse>(HttpStatusCode.OK);

        Assert.Equal("FAILED", problem.Extensions["versionStatus"]?.ToString());
        Assert.Contains("ONNX Runtime", problem.Detail);
        Assert.Equal("FAILED", version.Status);
        Assert.False(string.IsNullOrWhiteSpace(version.FailureReason));
        Assert.Empty(version.Replicas);
        Assert.False(Directory.Exists(Path.Combine(Fixture.HomeStorePath, "models", name)) &&
            Directory.EnumerateFiles(Path.Combine(Fixture.HomeStorePath, "models", name), "*", SearchOption.AllDirectories).Any());
        Assert.Contains("FAILED", (await (await Writer.GetAsync($"/api/models/{name}/versions/1/artifact", Cancellation)).ReadProblemAsync(HttpStatusCode.Conflict)).Detail);
        Assert.Contains("READY", (await (await Writer.SetAliasAsync(name, "production", 1)).ReadProblemAsync(HttpStatusCode.Conflict)).Detail);
    }

    [Fact]
    public async Task An_upload_that_is_not_an_octet_stream_gets_415()
    {
        var name = RegistryHttp.NewModelName();
        await Writer.CreateModelAsync(name);

        using var upload = await Writer.UploadAsync(name, TestModels.HousePrice, contentType: "application/json");

        Assert.Contains("application/octet-stream", (await upload.ReadProblemAsync(HttpStatusCode.UnsupportedMediaType)).Detail);
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

        Assert.Contains($"limit of {RegistryFixture.MaxArtifactBytes} bytes", (await upload.ReadProblemAsync(HttpStatusCode.RequestEntityTooLarge)).Detail);
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

        Assert.Contains("DNS label", Assert.Single(await response.ReadValidationErrorsAsync("name")));
    }

    [Fact]
    public async Task Unknown_models_versions_and_aliases_get_404()
    {
        var name = RegistryHttp.NewModelName();
        await Writer.CreateModelAsync(name);
        await Writer.RegisterAsync(name);

        Assert.Equal("There is no model 'no-such-model'.",
            (await (await Writer.GetAsync("/api/models/no-such-model", Cancellation)).ReadProblemAsync(HttpStatusCode.NotFound)).Detail);
        Assert.Equal($"Model '{name}' has no version 7.",
            (await (await Writer.GetAsync($"/api/models/{name}/versions/7", Cancellation)).ReadProblemAsync(HttpStatusCode.NotFound)).Detail);
        Assert.Equal($"Model '{name}' has no alias 'nowhere'.",
            (await (await Writer.GetAsync($"/api/resolve/{name}@nowhere", Cancellation)).ReadProblemAsync(HttpStatusCode.NotFound)).Detail);
        await (await Writer.GetAsync($"/api/models/{name}/versions/@nowhere/artifact", Cancellation)).ReadProblemAsync(HttpStatusCode.NotFound);
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

        Assert.Contains("changed since you read it", (await stale.ReadProblemAsync(HttpStatusCode.PreconditionFailed)).Detail);
        await createAgain.ReadProblemAsync(HttpStatusCode.PreconditionFailed);
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

        var anonymousWrite = await (await Fixture.Anonymous.PostAsJsonAsync("/api/models", request, RegistryHttp.Json, Cancellation))
            .ReadProblemAsync(HttpStatusCode.Unauthorized);
        await (await Fixture.Anonymous.GetAsync("/api/models", Cancellation)).ReadProblemAsync(HttpStatusCode.Unauthorized);
        using var wrongKey = Fixture.Server.CreateClient("not-a-key-anyone-was-given");
        await (await wrongKey.PostAsJsonAsync("/api/models", request, RegistryHttp.Json, Cancellation)).ReadProblemAsync(HttpStatusCode.Unauthorized);
        var readerWrite = await (await Fixture.Reader.PostAsJsonAsync("/api/models", request, RegistryHttp.Json, Cancellation))
            .ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("X-Api-Key", anonymousWrite.Detail);
        Assert.Contains("registry:write", readerWrite.Detail);
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
        Assert.Contains("archived", (await (await Writer.UploadAsync($"{prefix}-4", TestModels.HousePrice)).ReadProblemAsync(HttpStatusCode.Conflict)).Detail);
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
        Assert.Equal(["There is no configured store named 'nowhere'."], await bad.ReadValidationErrorsAsync("replication"));
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
    public async Task The_openapi_document_describes_every_operation_how_to_authenticate_and_the_headers_it_reads()
    {
        using var document = JsonDocument.Parse(await Fixture.Anonymous.GetStringAsync("/openapi/v1.json", Cancellation));
        var root = document.RootElement;
        var operations = root.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Where(operation => operation.Value.TryGetProperty("operationId", out _)))
            .ToDictionary(operation => operation.Value.GetProperty("operationId").GetString()!, operation => operation.Value);

        Assert.Superset(
            new HashSet<string> { "CreateModel", "UpdateModel", "RegisterVersion", "SetLineage", "SetAlias", "DeleteAlias", "ResolveReference", "DownloadArtifact" },
            operations.Keys.ToHashSet());
        var schemes = root.GetProperty("components").GetProperty("securitySchemes");
        var apiKey = schemes.GetProperty("ApiKey");
        Assert.Equal(
            ("apiKey", "header", "X-Api-Key"),
            (apiKey.GetProperty("type").GetString(), apiKey.GetProperty("in").GetString(), apiKey.GetProperty("name").GetString()));
        var bearer = schemes.GetProperty("Bearer");
        Assert.Equal(("http", "bearer"), (bearer.GetProperty("type").GetString(), bearer.GetProperty("scheme").GetString()));
        Assert.All(operations.Values, operation => Assert.Equal(
            ["ApiKey", "Bearer"],
            operation.GetProperty("security").EnumerateArray().SelectMany(requirement => requirement.EnumerateObject().Select(scheme => scheme.Name))));
        Assert.Equal(["X-Lineage"], HeaderParameters(operations["RegisterVersion"]));
        Assert.Equal(["If-Match", "If-None-Match"], HeaderParameters(operations["SetAlias"]));
        Assert.Equal(["If-Match"], HeaderParameters(operations["DeleteAlias"]));
    }

    [Fact]
    public async Task Outside_development_the_browsable_api_reference_is_not_served()
    {
        await (await Fixture.Anonymous.GetAsync("/scalar/v1", Cancellation)).ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_description_of_up_to_4000_characters_is_kept_and_a_longer_one_gets_400_on_create_and_update()
    {
        var name = RegistryHttp.NewModelName();
        var longest = new string('d', Limits.DescriptionLength);

        using var created = await Writer.PostAsJsonAsync("/api/models", new CreateModelRequest(name, longest, null, null), RegistryHttp.Json, Cancellation);
        using var tooLongCreate = await Writer.PostAsJsonAsync("/api/models",
            new CreateModelRequest(RegistryHttp.NewModelName(), longest + "d", null, null), RegistryHttp.Json, Cancellation);
        using var tooLongUpdate = await Writer.PatchAsJsonAsync($"/api/models/{name}", new UpdateModelRequest(longest + "d", null), RegistryHttp.Json, Cancellation);

        Assert.Equal(longest, (await created.ReadAsync<ModelResponse>(HttpStatusCode.Created)).Description);
        Assert.Contains("at most 4000 characters", Assert.Single(await tooLongCreate.ReadValidationErrorsAsync("description")));
        Assert.Contains("at most 4000 characters", Assert.Single(await tooLongUpdate.ReadValidationErrorsAsync("description")));
        Assert.Equal(longest, (await (await Writer.GetAsync($"/api/models/{name}", Cancellation)).ReadAsync<ModelResponse>(HttpStatusCode.OK)).Description);
    }

    public static TheoryData<string[], string> BadTags => new()
    {
        { Enumerable.Range(0, Limits.TagCount + 1).Select(index => $"tag-{index}").ToArray(), "at most 32 tags" },
        { [new string('t', Limits.TagLength + 1)], "at most 64 characters" },
        { ["vision", " "], "cannot be empty" },
    };

    [Theory]
    [MemberData(nameof(BadTags))]
    public async Task Too_many_too_long_or_empty_tags_get_400_on_create_and_update(string[] tags, string why)
    {
        var name = RegistryHttp.NewModelName();
        await Writer.CreateModelAsync(name, tags: ["kept"]);

        using var create = await Writer.PostAsJsonAsync("/api/models", new CreateModelRequest(RegistryHttp.NewModelName(), null, tags, null), RegistryHttp.Json, Cancellation);
        using var update = await Writer.PatchAsJsonAsync($"/api/models/{name}", new UpdateModelRequest(null, tags), RegistryHttp.Json, Cancellation);

        Assert.Contains(await create.ReadValidationErrorsAsync("tags"), message => message.Contains(why, StringComparison.Ordinal));
        Assert.Contains(await update.ReadValidationErrorsAsync("tags"), message => message.Contains(why, StringComparison.Ordinal));
        Assert.Equal(["kept"], (await (await Writer.GetAsync($"/api/models/{name}", Cancellation)).ReadAsync<ModelResponse>(HttpStatusCode.OK)).Tags);
    }

    [Fact]
    public async Task Creating_a_model_whose_name_is_taken_gets_409_even_when_the_creates_race()
    {
        var name = RegistryHttp.NewModelName();

        var racing = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Writer.PostAsJsonAsync("/api/models", new CreateModelRequest(name, null, null, null), RegistryHttp.Json, Cancellation)));
        using var later = await Writer.PostAsJsonAsync("/api/models", new CreateModelRequest(name, null, null, null), RegistryHttp.Json, Cancellation);

        Assert.Single(racing, response => response.StatusCode == HttpStatusCode.Created);
        foreach (var response in racing.Where(response => response.StatusCode != HttpStatusCode.Created).Append(later))
        {
            Assert.Equal($"Model '{name}' already exists.", (await response.ReadProblemAsync(HttpStatusCode.Conflict)).Detail);
        }
    }

    [Fact]
    public async Task Only_a_unique_index_violation_counts_as_a_duplicate()
    {
        var name = RegistryHttp.NewModelName();
        await Writer.CreateModelAsync(name);
        using var scope = Fixture.Server.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();

        db.Models.Add(new RegisteredModel { Name = name, CreatedBy = "test" });
        var duplicate = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Cancellation));
        db.ChangeTracker.Clear();
        db.Aliases.Add(new ModelAlias { ModelId = -1, Name = "orphan", UpdatedBy = "test" });
        var brokenForeignKey = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Cancellation));

        Assert.True(duplicate.IsUniqueViolation());
        Assert.False(brokenForeignKey.IsUniqueViolation());
    }

    [Fact]
    public async Task Lineage_set_after_the_upload_as_utf8_json_reads_back_unchanged()
    {
        var name = RegistryHttp.NewModelName();
        await Writer.CreateModelAsync(name);
        await Writer.RegisterAsync(name);
        const string lineage = """{"params":{"optimiseur":"adam"},"metrics":{"précision":0.93},"tags":["évalué","夜間"],"source":{"datasetUri":"s3://données/maisons-été/住宅.csv","gitCommit":"abc123"}}""";

        using var set = await Writer.PutLineageAsync(name, "1", lineage);
        var version = await (await Fixture.Reader.GetAsync($"/api/models/{name}/versions/1", Cancellation)).ReadAsync<VersionResponse>(HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal("s3://données/maisons-été/住宅.csv", version.Lineage.Source!.DatasetUri);
        Assert.Equal(["évalué", "夜間"], version.Lineage.Tags);
        Assert.Equal("adam", version.Lineage.Params["optimiseur"]);
        Assert.Equal(0.93, version.Lineage.Metrics["précision"]);
    }

    [Fact]
    public async Task Lineage_needs_a_writer_a_known_version_and_at_most_64_KiB()
    {
        var name = RegistryHttp.NewModelName();
        await Writer.CreateModelAsync(name);
        await Writer.RegisterAsync(name);
        var tooLarge = $$$"""{"params":{"notes":"{{{new string('n', Limits.LineageBytes)}}}"}}""";

        using var byReader = await Fixture.Reader.PutLineageAsync(name, "1", """{"tags":["x"]}""");
        using var unknownVersion = await Writer.PutLineageAsync(name, "2", """{"tags":["x"]}""");
        using var oversize = await Writer.PutLineageAsync(name, "1", tooLarge);

        await byReader.ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal($"Model '{name}' has no version 2.", (await unknownVersion.ReadProblemAsync(HttpStatusCode.NotFound)).Detail);
        Assert.Contains("at most 65536 bytes", Assert.Single(await oversize.ReadValidationErrorsAsync("lineage")));
        Assert.Empty((await (await Writer.GetAsync($"/api/models/{name}/versions/1", Cancellation)).ReadAsync<VersionResponse>(HttpStatusCode.OK)).Lineage.Tags);
    }

    [Fact]
    public async Task Header_lineage_over_8_KiB_gets_431_saying_where_to_send_it_and_registers_nothing()
    {
        var name = RegistryHttp.NewModelName();
        await Writer.CreateModelAsync(name);
        var lineage = $$$"""{"params":{"notes":"{{{new string('n', Limits.LineageHeaderBytes)}}}"}}""";

        using var upload = await Writer.UploadAsync(name, TestModels.HousePrice, lineage: lineage);

        Assert.Contains("/lineage", (await upload.ReadProblemAsync(HttpStatusCode.RequestHeaderFieldsTooLarge)).Detail);
        Assert.Equal(0, (await (await Writer.GetAsync($"/api/models/{name}", Cancellation)).ReadAsync<ModelResponse>(HttpStatusCode.OK)).LatestVersion);
    }

    [Fact]
    public async Task A_version_its_replicas_and_its_artifact_read_through_an_alias()
    {
        var name = RegistryHttp.NewModelName();
        await Writer.CreateModelAsync(name);
        await Writer.RegisterAsync(name);
        var second = TestModels.SmallMlp;
        await Writer.RegisterAsync(name, second);
        (await Writer.SetAliasAsync(name, "production", 2)).EnsureSuccessStatusCode();

        var byAt = await (await Fixture.Reader.GetAsync($"/api/models/{name}/versions/@production", Cancellation)).ReadAsync<VersionResponse>(HttpStatusCode.OK);
        var byBareName = await (await Fixture.Reader.GetAsync($"/api/models/{name}/versions/production", Cancellation)).ReadAsync<VersionResponse>(HttpStatusCode.OK);
        var replicas = await (await Fixture.Reader.GetAsync($"/api/models/{name}/versions/@production/replicas", Cancellation))
            .ReadAsync<List<ReplicaResponse>>(HttpStatusCode.OK);
        using var artifact = await Fixture.Reader.GetAsync($"/api/models/{name}/versions/@production/artifact", Cancellation);

        Assert.Equal((2, 2), (byAt.Version, byBareName.Version));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(second)), Assert.Single(replicas).Sha256);
        Assert.Equal(HttpStatusCode.OK, artifact.StatusCode);
        Assert.Equal(second, await artifact.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [Fact]
    public async Task Changing_an_alias_of_an_archived_model_gets_409()
    {
        var name = RegistryHttp.NewModelName();
        await Writer.CreateModelAsync(name);
        await Writer.RegisterAsync(name);
        (await Writer.SetAliasAsync(name, "production", 1)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NoContent, (await Writer.DeleteAsync($"/api/models/{name}", Cancellation)).StatusCode);

        using var move = await Writer.SetAliasAsync(name, "staging", 1);

        Assert.Equal($"Model '{name}' is archived; its aliases cannot change.", (await move.ReadProblemAsync(HttpStatusCode.Conflict)).Detail);
        Assert.Equal(1, (await (await Writer.GetAsync($"/api/resolve/{name}@production", Cancellation)).ReadAsync<VersionResponse>(HttpStatusCode.OK)).Version);
    }

    [Fact]
    public async Task Deleting_an_alias_with_a_stale_etag_gets_412_and_keeps_it()
    {
        var name = RegistryHttp.NewModelName();
        await Writer.CreateModelAsync(name);
        await Writer.RegisterAsync(name);
        await Writer.RegisterAsync(name);
        var firstTag = (await (await Writer.SetAliasAsync(name, "production", 1)).ReadAsync<AliasResponse>(HttpStatusCode.Created)).ETag;
        var secondTag = (await (await Writer.SetAliasAsync(name, "production", 2, ifMatch: firstTag)).ReadAsync<AliasResponse>(HttpStatusCode.OK)).ETag;

        using var stale = await Writer.DeleteAliasAsync(name, "production", firstTag);
        await stale.ReadProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal(2, (await (await Writer.GetAsync($"/api/models/{name}/aliases/production", Cancellation)).ReadAsync<AliasResponse>(HttpStatusCode.OK)).Version);

        using var current = await Writer.DeleteAliasAsync(name, "production", secondTag);
        Assert.Equal(HttpStatusCode.NoContent, current.StatusCode);
    }

    [Fact]
    public async Task Of_simultaneous_moves_with_the_same_etag_exactly_one_wins_and_the_others_get_412()
    {
        var name = RegistryHttp.NewModelName();
        await Writer.CreateModelAsync(name);
        for (var i = 0; i < 5; i++)
        {
            await Writer.RegisterAsync(name);
        }
        var tag = (await (await Writer.SetAliasAsync(name, "production", 1)).ReadAsync<AliasResponse>(HttpStatusCode.Created)).ETag;

        var moves = await Task.WhenAll(new[] { 2, 3, 4, 5 }.Select(version => Writer.SetAliasAsync(name, "production", version, ifMatch: tag)));

        var winner = await Assert.Single(moves, move => move.StatusCode == HttpStatusCode.OK).ReadAsync<AliasResponse>(HttpStatusCode.OK);
        foreach (var loser in moves.Where(move => move.StatusCode != HttpStatusCode.OK))
        {
            await loser.ReadProblemAsync(HttpStatusCode.PreconditionFailed);
        }
        Assert.Equal(winner.Version, (await (await Writer.GetAsync($"/api/resolve/{name}@production", Cancellation)).ReadAsync<VersionResponse>(HttpStatusCode.OK)).Version);
        var history = await (await Writer.GetAsync($"/api/models/{name}/aliases/production/history", Cancellation))
            .ReadAsync<List<AliasChangeResponse>>(HttpStatusCode.OK);
        Assert.Equal([(null, 1), (1, winner.Version)], history.Select(change => (change.FromVersion, change.ToVersion)));
    }

    [Fact]
    public async Task A_token_without_the_write_scope_can_read_but_gets_403_on_writes()
    {
        using var client = Fixture.Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.Create("dashboard", RegistryFixture.JwtSigningKey, "registry:read"));

        using var read = await client.GetAsync("/api/models", Cancellation);
        using var write = await client.PostAsJsonAsync("/api/models", new CreateModelRequest(RegistryHttp.NewModelName(), null, null, null), RegistryHttp.Json, Cancellation);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Contains("registry:write", (await write.ReadProblemAsync(HttpStatusCode.Forbidden)).Detail);
    }

    [Fact]
    public async Task An_outbox_row_that_cannot_be_decoded_is_set_aside_after_a_few_attempts_and_the_events_behind_it_go_out()
    {
        var name = RegistryHttp.NewModelName();
        await Writer.CreateModelAsync(name);
        var unknownType = new OutboxMessage
        {
            MessageId = Guid.NewGuid(), MessageType = "Platform.Contracts.Models.ModelRetrained", Payload = "{}", CreatedAt = DateTimeOffset.UtcNow,
        };
        var truncatedPayload = new OutboxMessage
        {
            MessageId = Guid.NewGuid(), MessageType = "Platform.Contracts.Models.ModelAliasChanged", Payload = """{"model":""", CreatedAt = DateTimeOffset.UtcNow,
        };
        using (var scope = Fixture.Server.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            db.Outbox.AddRange(unknownType, truncatedPayload);
            await db.SaveChangesAsync(Cancellation);
        }

        await Writer.RegisterAsync(name);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            using var scope = Fixture.Server.Services.CreateScope();
            var rows = await scope.ServiceProvider.GetRequiredService<RegistryDbContext>().Outbox.AsNoTracking()
                .Where(row => row.Id >= unknownType.Id).OrderBy(row => row.Id).ToListAsync(deadline.Token);
            var behind = rows.Where(row => row.Payload.Contains(name, StringComparison.Ordinal)).ToList();
            if (behind.Count == 2 && behind.All(row => row.DispatchedAt is not null))
            {
                var setAside = rows.Where(row => row.Id == unknownType.Id || row.Id == truncatedPayload.Id).ToList();
                Assert.All(setAside, row => Assert.Equal(
                    (true, false, RegistryFixture.OutboxMaxAttempts), (row.FailedAt is not null, row.DispatchedAt is not null, row.Attempts)));
                Assert.Contains("unknown type", setAside[0].LastError);
                Assert.False(string.IsNullOrWhiteSpace(setAside[1].LastError));
                return;
            }
            await Task.Delay(200, deadline.Token);
        }
    }

    private static (string Name, string? ElementType, string Shape) Describe(TensorSignature tensor) =>
        (tensor.Name, tensor.ElementType, string.Join(",", tensor.Shape ?? []));

    private static IEnumerable<string> HeaderParameters(JsonElement operation) =>
        operation.GetProperty("parameters").EnumerateArray()
            .Where(parameter => parameter.GetProperty("in").GetString() == "header")
            .Select(parameter => parameter.GetProperty("name").GetString()!);
}

public sealed class SqliteRegistryApiTests(SqliteRegistryFixture fixture)
    : RegistryApiTests<SqliteRegistryFixture>(fixture), IClassFixture<SqliteRegistryFixture>;

public sealed class PostgresRegistryApiTests(PostgresRegistryFixture fixture)
    : RegistryApiTests<PostgresRegistryFixture>(fixture), IClassFixture<PostgresRegistryFixture>;
