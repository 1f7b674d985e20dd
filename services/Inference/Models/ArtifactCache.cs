using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Platform.Inference.Extensions;
using Platform.Inference.Metrics;
using Platform.Inference.Runtime;
using Platform.Storage;
using Platform.Storage.Configuration;

namespace Platform.Inference.Models;

/// <summary>
/// Brings a registered version's artifact onto local disk, verified, as <c>{CacheDirectory}/{sha256}.onnx</c>. It reads the
/// replica in this server's own store (<see cref="InferenceOptions.LocalStore"/>); only when that copy is missing or fails
/// its hash does it read another replica in a store configured here, and then the registry's own download, counting each
/// such read as cross-cloud egress. A cached file is hashed again before it is used, so a damaged cache is fetched anew.
/// </summary>
public sealed class ArtifactCache
{
    private const int BufferSize = 1024 * 1024;

    private readonly ObjectStores _stores;
    private readonly RegistryClient _registry;
    private readonly InferenceMetrics _metrics;
    private readonly ILogger<ArtifactCache> _logger;
    private readonly string? _localStore;

    public ArtifactCache(ObjectStores stores, RegistryClient registry, InferenceMetrics metrics, IOptions<InferenceOptions> options,
        IHostEnvironment environment, ILogger<ArtifactCache> logger)
    {
        _stores = stores;
        _registry = registry;
        _metrics = metrics;
        _logger = logger;
        _localStore = options.Value.LocalStore;
        Directory = options.Value.CacheDirectory ?? Path.Combine(environment.ContentRootPath, "data", "model-cache");
        LocalCloud = _localStore is not null && stores.TryGet(_localStore, out var local) ? local.Cloud : "unknown";
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    /// <summary>The cloud of the local store: where reads from other clouds are egress to.</summary>
    public string LocalCloud { get; }

    public string PathOf(string sha256) => Path.Combine(Directory, sha256 + ".onnx");

    public async Task<string> GetAsync(RegisteredVersion version, CancellationToken cancellationToken)
    {
        var sha256 = version.Sha256!;
        var path = PathOf(sha256);
        if (File.Exists(path))
        {
            if (await HashFileAsync(path, cancellationToken) == sha256)
            {
                return path;
            }
            _logger.LogWarning("Cached artifact {Path} does not match its SHA-256; fetching it again", path);
            File.Delete(path);
        }

        var problems = new List<string>();
        foreach (var (store, key) in Replicas(version))
        {
            try
            {
                await using var content = await store.OpenReadAsync(key, new ReadOptions { VerifySha256 = true }, cancellationToken);
                var bytes = await SaveAsync(content, path, sha256, cancellationToken);
                if (store.Name != _localStore)
                {
                    _metrics.CrossCloudRead(store.Cloud, LocalCloud, bytes);
                    _logger.LogWarning("Read {Model} version {Version} ({Bytes} bytes) from {Store} in {Cloud}: the local replica is missing",
                        version.Model, version.Version, bytes, store.Name, store.Cloud);
                }
                return path;
            }
            catch (ObjectStoreException exception)
            {
                problems.Add($"{store.Name}: {exception.Message}");
                _logger.LogWarning("Replica of {Model} version {Version} in {Store} is unusable: {Problem}", version.Model, version.Version, store.Name, exception.Message);
            }
        }
        if (_registry.Configured)
        {
            try
            {
                using var response = await _registry.DownloadAsync(version, cancellationToken);
                await using var content = await response.Content.ReadAsStreamAsync(cancellationToken);
                var bytes = await SaveAsync(content, path, sha256, cancellationToken);
                _metrics.CrossCloudRead("registry", LocalCloud, bytes);
                _logger.LogWarning("Read {Model} version {Version} ({Bytes} bytes) through the registry: no store here holds a usable replica",
                    version.Model, version.Version, bytes);
                return path;
            }
            catch (Exception exception) when (exception is ModelLoadException or ObjectStoreException or HttpRequestException or IOException)
            {
                problems.Add($"registry: {exception.Message}");
            }
        }
        throw new ModelLoadException($"No replica of '{version.Model}' version {version.Version} could be read ({string.Join("; ", problems)}).");
    }

    /// <summary>The local store's copy first (under its recorded key, else the version's key), then other replicas in stores configured here.</summary>
    private IEnumerable<(IObjectStore Store, string Key)> Replicas(RegisteredVersion version)
    {
        if (_localStore is not null && _stores.TryGet(_localStore, out var local))
        {
            var recorded = version.Replicas.FirstOrDefault(replica => string.Equals(replica.Store, local.Name, StringComparison.OrdinalIgnoreCase));
            yield return (local, recorded?.Key ?? version.Key);
        }
        foreach (var replica in version.Replicas)
        {
            if (!string.Equals(replica.Store, _localStore, StringComparison.OrdinalIgnoreCase) && _stores.TryGet(replica.Store, out var store))
            {
                yield return (store, replica.Key);
            }
        }
    }

    /// <summary>Streams to a temporary file beside the target, checks the hash, then moves it into place: the cache never holds a partial file.</summary>
    private static async Task<long> SaveAsync(Stream content, string path, string sha256, CancellationToken cancellationToken)
    {
        var temporary = $"{path}.{Guid.NewGuid():n}.partial";
        try
        {
            long bytes = 0;
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, useAsync: true))
            {
                var buffer = new byte[BufferSize];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    bytes += read;
                }
            }
            var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (actual != sha256)
            {
                throw new ObjectIntegrityException("(download)", Path.GetFileName(path), sha256, actual);
            }
            File.Move(temporary, path, overwrite: true);
            return bytes;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static async Task<string> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
    }
}
