using System.Text.RegularExpressions;

namespace Platform.Deploy;

/// <summary>Where one environment variable of a service gets its value in Kubernetes.</summary>
public abstract record EnvSource
{
    /// <summary>A fixed value: the service's own ConfigMap.</summary>
    public sealed record Literal(string Value) : EnvSource;

    /// <summary>A non-secret setting the deployment supplies: a key of the shared <c>platform-settings</c> ConfigMap.</summary>
    public sealed record Setting(string Key) : EnvSource;

    /// <summary>A secret: a key of the <c>platform-secrets</c> Secret, which the deployment creates. Never inlined.</summary>
    public sealed record Secret(string Key) : EnvSource;
}

/// <summary>
/// Translates the expressions of an Aspire manifest into Kubernetes value sources, and records which services and which
/// infrastructure each service talks to (the flows its NetworkPolicy allows).
/// </summary>
public static partial class EnvironmentTranslator
{
    public const int ContainerPort = 8080;

    /// <summary>Settings whose value is another service's URL are named like this in <c>platform-settings</c>.</summary>
    public static string UrlSetting(string service) => $"{service}-url";

    [GeneratedRegex(@"^\{(?<resource>[a-z0-9-]+)\.(?<path>[A-Za-z0-9.]+)\}$")]
    private static partial Regex Expression();

    public static EnvSource Translate(string service, string variable, string value, AspireManifest manifest)
    {
        if (!value.Contains('{', StringComparison.Ordinal))
        {
            return new EnvSource.Literal(value);
        }
        var match = Expression().Match(value);
        if (!match.Success)
        {
            throw new InvalidOperationException(
                $"{service}: {variable} mixes text and expressions ('{value}'); in publish mode a value must be one literal, one parameter or one endpoint.");
        }
        var resource = match.Groups["resource"].Value;
        var path = match.Groups["path"].Value;
        if (manifest.Parameters.TryGetValue(resource, out var parameter) && path is "value" or "connectionString")
        {
            return parameter.Secret ? new EnvSource.Secret(resource) : new EnvSource.Setting(resource);
        }
        if (manifest.Services.Any(other => other.Name == resource))
        {
            return path switch
            {
                "bindings.http.url" => new EnvSource.Setting(UrlSetting(resource)),
                "bindings.http.targetPort" or "bindings.http.port" => new EnvSource.Literal(ContainerPort.ToString()),
                _ => throw new InvalidOperationException($"{service}: {variable} refers to '{value}', which has no Kubernetes equivalent here."),
            };
        }
        throw new InvalidOperationException($"{service}: {variable} refers to '{resource}', which is neither a parameter nor a service of the manifest.");
    }

    /// <summary>The other services a service calls (it refers to their endpoints).</summary>
    public static IReadOnlyList<string> CalledServices(ManifestService service, AspireManifest manifest) =>
        service.Environment.Values
            .Select(value => Expression().Match(value))
            .Where(match => match.Success && match.Groups["path"].Value.StartsWith("bindings.", StringComparison.Ordinal))
            .Select(match => match.Groups["resource"].Value)
            .Where(resource => resource != service.Name && manifest.Services.Any(other => other.Name == resource))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

    [GeneratedRegex(@"^Storage__Stores__[^_]+__Cloud$")]
    private static partial Regex StoreCloudSetting();

    /// <summary>The clouds of the object stores the service is configured with (the AppHost's WithObjectStore sets every store's Cloud).</summary>
    public static IReadOnlyList<string> StoreClouds(ManifestService service) =>
        service.Environment
            .Where(variable => StoreCloudSetting().IsMatch(variable.Key))
            .Select(variable => variable.Value)
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Whether the service uses the connection string named <paramref name="name"/> (rabbitmq, registrydb).</summary>
    public static bool Uses(ManifestService service, string name) =>
        service.Environment.Values.Any(value => value == $"{{{name}.connectionString}}" || value == $"{{{name}.value}}");
}
