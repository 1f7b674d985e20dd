using System.Net;
using System.Net.Http.Json;
using Platform.Registry.Apis;
using Platform.Registry.Tests.Hosting;

namespace Platform.Registry.Tests;

public sealed class DevelopmentRegistryFixture : SqliteRegistryFixture
{
    protected override string Environment => "Development";
}

/// <summary>What Development relaxes (anonymous reads, the browsable reference) and what it does not (writes need credentials).</summary>
public sealed class DevelopmentTests(DevelopmentRegistryFixture fixture) : IClassFixture<DevelopmentRegistryFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task In_development_reads_need_no_credentials_but_writes_still_do()
    {
        var name = RegistryHttp.NewModelName();
        await fixture.Writer.CreateModelAsync(name);

        using var read = await fixture.Anonymous.GetAsync($"/api/models/{name}", Cancellation);
        using var write = await fixture.Anonymous.PostAsJsonAsync(
            "/api/models", new CreateModelRequest(RegistryHttp.NewModelName(), null, null, null), RegistryHttp.Json, Cancellation);

        Assert.Equal(name, (await read.ReadAsync<ModelResponse>(HttpStatusCode.OK)).Name);
        await write.ReadProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task In_development_the_browsable_api_reference_answers()
    {
        using var reference = await fixture.Anonymous.GetAsync("/scalar/v1", Cancellation);

        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        Assert.Equal("text/html", reference.Content.Headers.ContentType?.MediaType);
    }
}
