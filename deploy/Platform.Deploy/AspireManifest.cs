using System.Text.Json;

namespace Platform.Deploy;

/// <summary>A parameter of the AppHost: a setting the deployment supplies (a bucket name) or a secret (a key, a connection string).</summary>
public sealed record ManifestParameter(string Name, bool Secret);

/// <summary>A service the AppHost runs from a project: what becomes a Deployment.</summary>
public sealed record ManifestService(string Name, string Project, IReadOnlyDictionary<string, string> Environment, bool External);

/// <summary>
/// The part of an Aspire manifest (<c>dotnet run --project AppHost -- --publisher manifest</c>) that a Kubernetes deployment
/// needs: the project resources with their environment, and the parameters their environment refers to. In publish mode
/// the AppHost models infrastructure as parameters and connection strings, so nothing else appears.
/// </summary>
public sealed class AspireManifest
{
    public required IReadOnlyList<ManifestService> Services { get; init; }

    public required IReadOnlyDictionary<string, ManifestParameter> Parameters { get; init; }

    public static AspireManifest Load(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var services = new List<ManifestService>();
        var parameters = new Dictionary<string, ManifestParameter>(StringComparer.Ordinal);
        foreach (var resource in document.RootElement.GetProperty("resources").EnumerateObject())
        {
            var type = resource.Value.TryGetProperty("type", out var typeValue) ? typeValue.GetString() : null;
            switch (type)
            {
                case "project.v0":
                    var environment = resource.Value.TryGetProperty("env", out var env)
                        ? env.EnumerateObject().ToDictionary(variable => variable.Name, variable => variable.Value.GetString() ?? "", StringComparer.Ordinal)
                        : new Dictionary<string, string>();
                    var external = resource.Value.TryGetProperty("bindings", out var bindings)
                        && bindings.EnumerateObject().Any(binding => binding.Value.TryGetProperty("external", out var flag) && flag.GetBoolean());
                    services.Add(new ManifestService(resource.Name, Path.GetFileNameWithoutExtension(resource.Value.GetProperty("path").GetString()!), environment, external));
                    break;
                case "parameter.v0":
                    parameters[resource.Name] = new ManifestParameter(resource.Name, IsSecret(resource.Value));
                    break;
            }
        }
        return new AspireManifest { Services = services, Parameters = parameters };
    }

    /// <summary>A secret parameter, or a connection string (which may carry credentials, so it is always treated as one).</summary>
    private static bool IsSecret(JsonElement parameter) =>
        parameter.TryGetProperty("connectionString", out _)
        || (parameter.TryGetProperty("inputs", out var inputs) && inputs.TryGetProperty("value", out var value)
            && value.TryGetProperty("secret", out var secret) && secret.GetBoolean());
}
