using Platform.Inference.Runtime;

namespace Platform.Inference.Models;

/// <summary>Where a served model's versions come from.</summary>
public abstract class ModelSource
{
    /// <summary>What the source is, for the index and the logs: <c>iris@production</c>, a file path.</summary>
    public abstract string Description { get; }

    /// <summary>Finds the version to serve now; fetching its file is a separate step, skipped when that version already serves.</summary>
    public abstract Task<ResolvedModel> ResolveAsync(CancellationToken cancellationToken);
}

/// <summary>A version to serve and how to get its ONNX file onto local disk.</summary>
public sealed record ResolvedModel(string Version, Func<CancellationToken, Task<string>> FetchAsync);

/// <summary>A registry reference: <c>name@alias</c> resolves anew each time (so it follows the alias), <c>name/version</c> stays put.</summary>
public sealed class RegistryModelSource(ModelReference reference, RegistryClient registry, ArtifactCache cache) : ModelSource
{
    public ModelReference Reference { get; } = reference;

    public override string Description => Reference.ToString();

    public override async Task<ResolvedModel> ResolveAsync(CancellationToken cancellationToken)
    {
        if (!registry.Configured)
        {
            throw new ModelLoadException($"'{Reference}' is a registry reference, but Registry:Url is not configured.");
        }
        var version = await registry.ResolveAsync(Reference, cancellationToken);
        return new ResolvedModel(version.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), token => cache.GetAsync(version, token));
    }
}

/// <summary>An ONNX file on this machine, served as a fixed version.</summary>
public sealed class FileModelSource(string path, string version) : ModelSource
{
    public override string Description => path;

    public override Task<ResolvedModel> ResolveAsync(CancellationToken cancellationToken) =>
        File.Exists(path)
            ? Task.FromResult(new ResolvedModel(version, _ => Task.FromResult(path)))
            : throw new ModelLoadException($"The model file '{path}' does not exist.");
}
