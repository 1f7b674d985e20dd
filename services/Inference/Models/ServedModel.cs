using Platform.Inference.Metrics;
using Platform.Inference.Runtime;

namespace Platform.Inference.Models;

/// <summary>
/// A model clients call by name, and the version of it that serves now. Loads and swaps happen one at a time: the new
/// version is loaded beside the old one, then made current in one atomic step, and the old one drains (requests that
/// already hold it finish on it) before it unloads. A load that fails leaves the current version serving.
/// </summary>
public sealed class ServedModel(string name, ModelSource source, RuntimeOptions options, InferenceMetrics metrics, ILogger logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private LoadedModel? _current;

    public string Name { get; } = name;

    public ModelSource Source { get; } = source;

    public RuntimeOptions Options { get; } = options;

    public ModelState State { get; private set; } = ModelState.Loading;

    /// <summary>Why the model is in its state: the last load failure, or that it was unloaded.</summary>
    public string? Reason { get; private set; }

    /// <summary>False after an explicit unload: the model counts no more for readiness and is not refreshed until loaded again.</summary>
    public bool Wanted { get; private set; } = true;

    public LoadedModel? Current => Volatile.Read(ref _current);

    /// <summary>A lease on the current version, or null when none is loaded. Dispose it when the response is written.</summary>
    public ModelLease? Lease()
    {
        while (true)
        {
            var current = Current;
            if (current is null)
            {
                return null;
            }
            if (current.TryAcquire())
            {
                return new ModelLease(current);
            }
            // It was retired between the read and the lease: the next read sees its successor.
        }
    }

    /// <summary>
    /// Resolves the source and, when it names another version than the one serving (or <paramref name="force"/>), loads it and
    /// swaps it in. Never throws for a failed load: the outcome says what happened.
    /// </summary>
    public async Task<LoadOutcome> LoadAsync(bool force, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            Wanted = true;
            if (Current is null)
            {
                State = ModelState.Loading;
            }
            var resolved = await Source.ResolveAsync(cancellationToken);
            var previous = Current;
            if (!force && previous?.Version == resolved.Version)
            {
                (State, Reason) = (ModelState.Ready, null);
                return LoadOutcome.Unchanged;
            }
            var path = await resolved.FetchAsync(cancellationToken);
            var onnx = await Task.Run(() => OnnxModel.Load(path, Options), cancellationToken);
            var loaded = new LoadedModel(Name, resolved.Version, onnx, Options, metrics.For(Name, resolved.Version));
            Interlocked.Exchange(ref _current, loaded);
            (State, Reason) = (ModelState.Ready, null);
            if (previous is null)
            {
                logger.LogInformation("Serving {Model} version {Version} from {Source}", Name, loaded.Version, Source.Description);
                return LoadOutcome.Loaded;
            }
            logger.LogInformation("Swapped {Model} from version {Previous} to {Version}; the previous version drains", Name, previous.Version, loaded.Version);
            _ = DrainAsync(previous);
            return LoadOutcome.Loaded;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Reason = exception.Message;
            if (Current is null)
            {
                State = ModelState.Unavailable;
            }
            logger.LogWarning("Loading {Model} from {Source} failed{Still}: {Problem}", Name, Source.Description,
                Current is { } serving ? $" (version {serving.Version} still serves)" : "", exception.Message);
            return LoadOutcome.Failed(exception.Message);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops serving the model: new requests find it unavailable, requests under way finish, then it unloads.</summary>
    public async Task UnloadAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        LoadedModel? previous;
        try
        {
            Wanted = false;
            previous = Interlocked.Exchange(ref _current, null);
            (State, Reason) = (ModelState.Unavailable, "unloaded");
        }
        finally
        {
            _gate.Release();
        }
        if (previous is not null)
        {
            await DrainAsync(previous);
        }
    }

    private async Task DrainAsync(LoadedModel retired)
    {
        await retired.Retire();
        logger.LogInformation("Unloaded {Model} version {Version}", Name, retired.Version);
    }
}

public enum ModelState
{
    Loading,
    Ready,
    Unavailable,
}

/// <summary>What a load did.</summary>
public sealed record LoadOutcome(bool Succeeded, bool Changed, string? Problem)
{
    public static readonly LoadOutcome Loaded = new(true, true, null);
    public static readonly LoadOutcome Unchanged = new(true, false, null);

    public static LoadOutcome Failed(string problem) => new(false, false, problem);
}

/// <summary>A request's hold on one version; disposing it lets a retired version unload.</summary>
public sealed class ModelLease(LoadedModel model) : IDisposable
{
    private int _disposed;

    public LoadedModel Model { get; } = model;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Model.Release();
        }
    }
}
