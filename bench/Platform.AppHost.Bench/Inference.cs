using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Platform.SampleModels;

namespace Platform.AppHost.Bench;

/// <summary>A model both paths of the overhead comparison call, with the one request they send.</summary>
public sealed record BenchModel(string Name, string Description, string Body)
{
    public string Path => $"/v2/models/{Name}/infer";

    public StringContent Request() => new(Body, Encoding.UTF8, "application/json");
}

public static class Inference
{
    /// <summary>The seeded <c>mlp</c> (4-16-3), one row: it costs nothing to run, so the comparison is HTTP alone.</summary>
    public static readonly BenchModel Mlp = new("mlp", "seeded mlp 4-16-3, one row (no compute: HTTP alone)",
        """{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}""");

    /// <summary>
    /// all-MiniLM-L6-v2, one sentence, its hidden states asked as binary data (29 KB) rather than as 7,000 JSON numbers: a real
    /// network, where the model's own work is what a request costs, as in most serving.
    /// </summary>
    public static BenchModel MiniLm()
    {
        var tokens = Platform.SampleModels.MiniLm.Tokenize("The platform serves one model from three clouds and fails over between them.");
        object Input(string name, long[] data) => new { name, shape = tokens.Shape, datatype = "INT64", data };
        var body = JsonSerializer.Serialize(new
        {
            inputs = new[] { Input("input_ids", tokens.InputIds), Input("attention_mask", tokens.AttentionMask), Input("token_type_ids", tokens.TokenTypeIds) },
            outputs = new[] { new { name = "last_hidden_state", parameters = new { binary_data = true } } },
        });
        return new BenchModel("minilm", $"all-MiniLM-L6-v2, one sentence of {tokens.Tokens} tokens, hidden states as binary", body);
    }

    /// <summary>
    /// Registers all-MiniLM-L6-v2 as <c>minilm</c> (production alias) with the admin key, as an operator would, and loads it in
    /// <c>inference-aws</c> (the gateway's preferred cloud) through the repository API; returns once it answers ready there.
    /// </summary>
    public static async Task RegisterMiniLmAsync(DistributedApplication app, CancellationToken cancellationToken)
    {
        var file = System.IO.Path.GetTempFileName();
        try
        {
            Platform.SampleModels.MiniLm.WriteModel(file);
            using var registry = app.CreateHttpClient("registry");
            registry.Timeout = TimeSpan.FromMinutes(5);
            registry.DefaultRequestHeaders.Add("X-Api-Key", await ParameterAsync(app, "registry-admin-key", cancellationToken));
            (await registry.PostAsJsonAsync("/api/models", new { name = "minilm" }, cancellationToken)).EnsureSuccessStatusCode();
            await using var artifact = File.OpenRead(file);
            using var content = new StreamContent(artifact);
            content.Headers.ContentType = new("application/octet-stream");
            using var upload = await registry.PostAsync("/api/models/minilm/versions", content, cancellationToken);
            upload.EnsureSuccessStatusCode();
            var version = (await upload.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("version").GetInt32();
            (await registry.PutAsJsonAsync("/api/models/minilm/aliases/production", new { version }, cancellationToken)).EnsureSuccessStatusCode();

            using var inference = app.CreateHttpClient("inference-aws");
            inference.Timeout = TimeSpan.FromMinutes(5);
            using var load = new HttpRequestMessage(HttpMethod.Post, "/v2/repository/models/minilm/load")
            {
                Content = JsonContent.Create(new { parameters = new { reference = "minilm@production" } }),
            };
            load.Headers.Add("X-Api-Key", await ParameterAsync(app, "inference-repository-key", cancellationToken));
            using var loaded = await inference.SendAsync(load, cancellationToken);
            if (!loaded.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Loading minilm in inference-aws answered {(int)loaded.StatusCode}: {await loaded.Content.ReadAsStringAsync(cancellationToken)}");
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<string> ParameterAsync(DistributedApplication app, string name, CancellationToken cancellationToken)
    {
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        return (await model.Resources.OfType<ParameterResource>().Single(resource => resource.Name == name).GetValueAsync(cancellationToken))!;
    }
}
