using System.Runtime.CompilerServices;
using System.Text.Json;
using Platform.Storage.Configuration;

namespace Platform.Storage.Providers.FileSystem;

/// <summary>
/// Objects as files under a root folder: the embedded default, where no emulator or cloud is at hand.
/// A put streams into a staging file on the same file system, records the hash and metadata as an extended attribute of that
/// file, flushes it to disk and then renames it over the final path, so readers only ever see a whole object.
/// </summary>
public sealed class FileSystemObjectStore : ObjectStore
{
    private const string AttributeName = "user.platform";
    private const int BufferSize = 256 * 1024;

    private readonly string _root;
    private readonly string _staging;

    public FileSystemObjectStore(string name, ObjectStoreOptions options)
        : base(name, options.DefaultCloud)
    {
        _root = System.IO.Path.GetFullPath(options.Path!);
        _staging = System.IO.Path.Combine(_root, ObjectKey.StagingPrefix.TrimEnd('/'));
    }

    public override ObjectStoreProvider Provider => ObjectStoreProvider.FileSystem;

    public override Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(_staging);
        return Task.CompletedTask;
    }

    protected override async Task<ObjectInfo> PutCoreAsync(string key, Stream content, PutOptions options, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        if (!options.Overwrite && File.Exists(path))
        {
            throw new ObjectAlreadyExistsException(Name, key);
        }

        Directory.CreateDirectory(_staging);
        var stagingPath = System.IO.Path.Combine(_staging, Guid.NewGuid().ToString("n"));
        try
        {
            using var hashing = new HashingReadStream(content);
            await using (var file = new FileStream(stagingPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous))
            {
                await hashing.CopyToAsync(file, BufferSize, cancellationToken);
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }
            if (options.ExpectedSha256 is { } expected && !string.Equals(Sha256Hex.Normalize(expected), hashing.Sha256, StringComparison.Ordinal))
            {
                throw new ObjectIntegrityException(Name, key, expected, hashing.Sha256);
            }

            var attributes = new StoredAttributes(hashing.Sha256, options.ContentType, options.Metadata?.ToDictionary() ?? []);
            ExtendedAttributes.Set(stagingPath, AttributeName, JsonSerializer.Serialize(attributes));

            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            Commit(key, stagingPath, path, options.Overwrite);
            return ToInfo(key, new FileInfo(path), attributes);
        }
        finally
        {
            File.Delete(stagingPath);
        }
    }

    private void Commit(string key, string stagingPath, string path, bool overwrite)
    {
        if (Directory.Exists(path))
        {
            throw new ObjectStoreException($"Key '{key}' in store '{Name}' is a prefix of other keys; the file system store cannot hold both.");
        }
        if (overwrite)
        {
            // rename(2) replaces the old file atomically: a reader holds either the old inode or the new one.
            File.Move(stagingPath, path, overwrite: true);
        }
        else if (!HardLink.TryCreate(stagingPath, path))
        {
            throw new ObjectAlreadyExistsException(Name, key);
        }
    }

    protected override Task<ObjectReadStream> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException && !File.Exists(path))
        {
            throw new ObjectNotFoundException(Name, key, exception);
        }

        try
        {
            // The attributes are read through the open handle's path; the rename-based commit means an open file keeps its own.
            var info = ToInfo(key, new FileInfo(path), ReadAttributes(path));
            Stream content = file;
            if (options.Range is { } range)
            {
                var start = Math.Min(range.Offset, file.Length);
                file.Seek(start, SeekOrigin.Begin);
                var available = file.Length - start;
                content = new LimitedReadStream(file, range.Length is { } length ? Math.Min(length, available) : available);
            }
            return Task.FromResult(new ObjectReadStream(Name, info, content, options.VerifySha256));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    protected override Task<ObjectInfo?> GetInfoCoreAsync(string key, CancellationToken cancellationToken)
    {
        var file = new FileInfo(PathOf(key));
        if (!file.Exists)
        {
            return Task.FromResult<ObjectInfo?>(null);
        }
        try
        {
            return Task.FromResult<ObjectInfo?>(ToInfo(key, file, ReadAttributes(file.FullName)));
        }
        catch (FileNotFoundException)
        {
            return Task.FromResult<ObjectInfo?>(null);
        }
    }

    protected override async IAsyncEnumerable<ObjectInfo> ListCoreAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Start from the deepest folder the prefix names, then filter and sort: file system order is not key order.
        var lastSlash = prefix.LastIndexOf('/');
        var start = lastSlash < 0 ? _root : System.IO.Path.Combine(_root, prefix[..lastSlash]);
        if (!Directory.Exists(start))
        {
            yield break;
        }

        var keys = new List<string>();
        foreach (var path in Directory.EnumerateFiles(start, "*", SearchOption.AllDirectories))
        {
            var key = System.IO.Path.GetRelativePath(_root, path).Replace(System.IO.Path.DirectorySeparatorChar, '/');
            if (key.StartsWith(prefix, StringComparison.Ordinal) && !key.StartsWith(ObjectKey.ReservedPrefix, StringComparison.Ordinal))
            {
                keys.Add(key);
            }
        }
        keys.Sort(StringComparer.Ordinal);

        foreach (var key in keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await GetInfoCoreAsync(key, cancellationToken) is { } info)
            {
                yield return info;
            }
        }
    }

    protected override Task<bool> DeleteCoreAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        if (!File.Exists(path))
        {
            return Task.FromResult(false);
        }
        File.Delete(path);
        return Task.FromResult(true);
    }

    /// <summary>Maps a validated key to its file. Keys cannot contain '..' or start with '/', so the path stays under the root.</summary>
    private string PathOf(string key) => System.IO.Path.Combine(_root, key.Replace('/', System.IO.Path.DirectorySeparatorChar));

    private static StoredAttributes? ReadAttributes(string path) =>
        ExtendedAttributes.Get(path, AttributeName) is { } json ? JsonSerializer.Deserialize<StoredAttributes>(json) : null;

    private static ObjectInfo ToInfo(string key, FileInfo file, StoredAttributes? attributes) => new()
    {
        Key = key,
        Size = file.Length,
        Sha256 = attributes?.Sha256,
        ContentType = attributes?.ContentType,
        LastModified = file.LastWriteTimeUtc,
        Metadata = attributes?.Metadata ?? ObjectInfo.EmptyMetadata,
    };

    private sealed record StoredAttributes(string Sha256, string? ContentType, Dictionary<string, string> Metadata);
}
