using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Platform.Inference.Extensions;
using Platform.Inference.Metrics;

namespace Platform.Inference.Models;

/// <summary>
/// Every model this server knows: those declared under <c>Inference:Models</c>, and those loaded later by registry reference
/// through the repository API. It loads them, keeps models declared by alias on the alias's current version (on
/// <c>ModelAliasChanged</c> events and on a periodic check), and answers whether the server is ready.
/// </summary>
public sealed class ModelRepository
{
    private readonly ConcurrentDictionary<string, ServedModel> _models = new(StringComparer.Ordinal);
    private readonly InferenceOptions _options;
    private readonly RegistryClient _registry;
    private readonly ArtifactCache _cache;
    private readonly InferenceMetrics _metrics;
    private readonly ILogger<ServedModel> _logger;

    public ModelRepository(IOptions<InferenceOptions> options, RegistryClient registry, ArtifactCache cache, InferenceMetrics metrics, ILogger<ServedModel> logger)
    {
        _options = options.Value;
        _registry = registry;
        _cache = cache;
        _metrics = metrics;
        _logger = logger;
        foreach (var (name, declaration) in _options.Models)
        {
            ModelSource source = declaration.Reference is { } reference
                ? new RegistryModelSource(ParseReference(reference), registry, cache)
                : new FileModelSource(declaration.Path!, declaration.Version);
            _models[name] = new ServedModel(name, source, declaration.Resolve(_options.Defaults), metrics, logger);
        }
    }

    public IEnumerable<ServedModel> All => _models.Values.OrderBy(model => model.Name, StringComparer.Ordinal);

    public ServedModel? Find(string name) => _models.GetValueOrDefault(name);

    /// <summary>Every model that should serve does.</summary>
    public bool Ready => _models.Values.Where(model => model.Wanted).All(model => model.State == ModelState.Ready);

    /// <summary>
    /// Adds a model known only by its registry reference (a repository load of a name not declared in configuration); it runs
    /// with the default settings. Returns the model already known by that name, if any.
    /// </summary>
    public ServedModel Declare(string name, ModelReference reference) =>
        _models.GetOrAdd(name, _ => new ServedModel(name, new RegistryModelSource(reference, _registry, _cache), new ModelRuntimeSettings().Resolve(_options.Defaults), _metrics, _logger));

    /// <summary>Loads every wanted model that has no version serving, and moves those that follow an alias to its current version.</summary>
    public Task RefreshAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_models.Values.Where(NeedsRefresh).Select(model => model.LoadAsync(force: false, cancellationToken)));

    /// <summary>An alias moved: models that follow it load its new version now.</summary>
    public Task AliasChangedAsync(string model, string alias, CancellationToken cancellationToken) =>
        Task.WhenAll(_models.Values
            .Where(served => served.Wanted && served.Source is RegistryModelSource { Reference: var reference } && reference.Model == model && reference.Alias == alias)
            .Select(served => served.LoadAsync(force: false, cancellationToken)));

    private static bool NeedsRefresh(ServedModel model) =>
        model.Wanted && (model.Current is null || model.Source is RegistryModelSource { Reference.Alias: not null });

    private static ModelReference ParseReference(string reference) =>
        ModelReference.TryParse(reference, out var parsed) ? parsed : throw new InvalidOperationException($"'{reference}' is not a model reference.");
}
