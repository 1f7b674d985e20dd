using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

// Registers each sample model (unless it already has a READY version) and points its `production` alias at it.
// Configuration: Registry__Url and Registry__ApiKey (a key that can write), as the AppHost passes them.
var url = Environment.GetEnvironmentVariable("Registry__Url") ?? throw new InvalidOperationException("Registry__Url is not set.");
var key = Environment.GetEnvironmentVariable("Registry__ApiKey") ?? throw new InvalidOperationException("Registry__ApiKey is not set.");
using var registry = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(2) };
registry.DefaultRequestHeaders.Add("X-Api-Key", key);

(string Name, string Description, Func<byte[]> Build)[] samples =
[
    ("iris", "Iris species from four measurements (ML.NET SDCA, exported to ONNX)", Platform.SampleModels.SampleModels.Iris),
    ("house-price", "House price from size and rooms (ML.NET SDCA regression, exported to ONNX)", Platform.SampleModels.SampleModels.HousePrice),
    ("mlp", "A multi-layer perceptron 4-16-3 with softmax and a dynamic batch (built with OnnxSharp)", () => Platform.SampleModels.SampleModels.Mlp(4, [16], 3)),
];
foreach (var (name, description, build) in samples)
{
    await SeedAsync(name, description, build);
}
Console.WriteLine($"Seeded {samples.Length} sample models: {string.Join(", ", samples.Select(sample => sample.Name + "@production"))}");
return 0;

async Task SeedAsync(string name, string description, Func<byte[]> build)
{
    using var existing = await registry.GetAsync($"api/models/{name}/versions/production");
    if (existing.IsSuccessStatusCode)
    {
        Console.WriteLine($"{name}@production is there already");
        return;
    }
    using var created = await registry.PostAsJsonAsync("api/models", new { name, description, tags = new[] { "sample" } });
    if (created.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.Conflict))
    {
        throw new InvalidOperationException($"Creating model {name} answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
    }
    using var artifact = new ByteArrayContent(build());
    artifact.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
    using var upload = await registry.PostAsync($"api/models/{name}/versions", artifact);
    var body = await upload.Content.ReadAsStringAsync();
    if (upload.StatusCode != HttpStatusCode.Created)
    {
        throw new InvalidOperationException($"Registering {name} answered {(int)upload.StatusCode}: {body}");
    }
    var version = JsonDocument.Parse(body).RootElement.GetProperty("version").GetInt32();
    using var alias = await registry.PutAsJsonAsync($"api/models/{name}/aliases/production", new { version });
    alias.EnsureSuccessStatusCode();
    Console.WriteLine($"Registered {name} version {version} and pointed production at it");
}
