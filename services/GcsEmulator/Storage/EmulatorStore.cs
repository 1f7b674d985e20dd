using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Platform.GcsEmulator.Storage;

/// <summary>
/// Buckets and objects on disk, with an in-memory index rebuilt at start. Each live object is a data file named by its
/// generation plus a JSON record; a write lands its data under a fresh generation name first and then replaces the record by
/// rename, so a crash leaves the old generation or the new one. Checking preconditions and committing happen under one lock,
/// which makes conditional writes race-free (of concurrent <c>ifGenerationMatch=0</c> inserts, exactly one wins).
/// </summary>
public sealed class EmulatorStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly string _bucketsRoot;
    private readonly string _temp;
    private readonly ILogger<EmulatorStore> _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, BucketState> _buckets = new(StringComparer.Ordinal);
    private long _lastGeneration;

    public EmulatorStore(string root, ILogger<EmulatorStore> logger)
    {
        _logger = logger;
        _bucketsRoot = Path.Combine(root, "buckets");
        _temp = Path.Combine(root, "tmp");
        Directory.CreateDirectory(_bucketsRoot);
        Directory.CreateDirectory(_temp);
        Load();
    }

    public string NewTempPath() => Path.Combine(_temp, Guid.NewGuid().ToString("n"));

    public BucketRecord CreateBucket(string name)
    {
        if (name.Length is < 3 or > 63 || !name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.'))
        {
            throw GcsException.Invalid($"Invalid bucket name: '{name}'");
        }
        lock (_gate)
        {
            if (_buckets.ContainsKey(name))
            {
                throw new GcsException(409, "conflict", "Your previous request to create the named bucket succeeded and you already own it.");
            }
            var record = new BucketRecord(name, DateTimeOffset.UtcNow, 1);
            Directory.CreateDirectory(Path.Combine(_bucketsRoot, name, "objects"));
            File.WriteAllText(Path.Combine(_bucketsRoot, name, "bucket.json"), JsonSerializer.Serialize(record, Json));
            _buckets[name] = new BucketState(record);
            return record;
        }
    }

    public BucketRecord GetBucket(string name)
    {
        lock (_gate)
        {
            return Bucket(name).Record;
        }
    }

    public IReadOnlyList<BucketRecord> ListBuckets()
    {
        lock (_gate)
        {
            return _buckets.Values.Select(bucket => bucket.Record).OrderBy(bucket => bucket.Name, StringComparer.Ordinal).ToList();
        }
    }

    public void DeleteBucket(string name)
    {
        lock (_gate)
        {
            if (Bucket(name).Objects.Count > 0)
            {
                throw new GcsException(409, "conflict", "The bucket you tried to delete is not empty.");
            }
            _buckets.Remove(name);
            Directory.Delete(Path.Combine(_bucketsRoot, name), recursive: true);
        }
    }

    public ObjectRecord GetObject(string bucket, string name, Preconditions preconditions)
    {
        lock (_gate)
        {
            return Current(Bucket(bucket), bucket, name, preconditions);
        }
    }

    /// <summary>The live object the request addresses, if its preconditions hold.</summary>
    private static ObjectRecord Current(BucketState state, string bucket, string name, Preconditions preconditions)
    {
        if (state.Objects.GetValueOrDefault(name) is not { } record || !preconditions.Selects(record))
        {
            throw GcsException.ObjectNotFound(bucket, name);
        }
        return preconditions.HoldFor(record) ? record : throw GcsException.ConditionNotMet();
    }

    public string DataPath(ObjectRecord record) => Path.Combine(_bucketsRoot, record.Bucket, "objects", record.DataFile);

    /// <summary>
    /// One page of a listing, in name order: objects and, with a delimiter, the "folders" (prefixes) in their place.
    /// The page token names the last entry and whether it was a prefix, whose objects the next page then skips.
    /// </summary>
    public (IReadOnlyList<ObjectRecord> Items, IReadOnlyList<string> Prefixes, string? NextPageToken) List(
        string bucket, string prefix, string? delimiter, int maxResults, string? pageToken, string? startOffset, string? endOffset)
    {
        var token = pageToken is null ? null : Encoding.UTF8.GetString(Convert.FromBase64String(pageToken));
        var afterPrefix = token?.StartsWith(PrefixToken, StringComparison.Ordinal) == true ? token[PrefixToken.Length..] : null;
        var after = afterPrefix ?? (token?.StartsWith(ObjectToken, StringComparison.Ordinal) == true ? token[ObjectToken.Length..] : null);
        if (token is not null && after is null)
        {
            throw GcsException.Invalid("Invalid page token.");
        }
        var items = new List<ObjectRecord>();
        var prefixes = new List<string>();
        lock (_gate)
        {
            foreach (var (name, record) in Bucket(bucket).Objects)
            {
                if (!name.StartsWith(prefix, StringComparison.Ordinal)
                    || (startOffset is not null && Utf8Order.Instance.Compare(name, startOffset) < 0)
                    || (after is not null && Utf8Order.Instance.Compare(name, after) <= 0)
                    || (afterPrefix is not null && name.StartsWith(afterPrefix, StringComparison.Ordinal)))
                {
                    continue;
                }
                if (endOffset is not null && Utf8Order.Instance.Compare(name, endOffset) >= 0)
                {
                    break;
                }
                var folder = FolderOf(name, prefix, delimiter);
                if (folder is not null && prefixes.Count > 0 && prefixes[^1] == folder)
                {
                    continue;
                }
                if (items.Count + prefixes.Count == maxResults)
                {
                    var lastIsPrefix = prefixes.Count > 0 && (items.Count == 0 || Utf8Order.Instance.Compare(prefixes[^1], items[^1].Name) > 0);
                    var next = lastIsPrefix ? PrefixToken + prefixes[^1] : ObjectToken + items[^1].Name;
                    return (items, prefixes, Convert.ToBase64String(Encoding.UTF8.GetBytes(next)));
                }
                if (folder is not null)
                {
                    prefixes.Add(folder);
                }
                else
                {
                    items.Add(record);
                }
            }
        }
        return (items, prefixes, null);
    }

    private const string PrefixToken = "p:";
    private const string ObjectToken = "o:";

    private static string? FolderOf(string name, string prefix, string? delimiter)
    {
        if (string.IsNullOrEmpty(delimiter))
        {
            return null;
        }
        var index = name.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
        return index < 0 ? null : name[..(index + delimiter.Length)];
    }

    /// <summary>Streams <paramref name="content"/> in and commits it as a new generation of the object.</summary>
    public async Task<ObjectRecord> WriteAsync(string bucket, string name, Stream content, string? contentType, Dictionary<string, string>? metadata, Preconditions preconditions, CancellationToken cancellationToken)
    {
        ValidateObjectName(name);
        GetBucket(bucket);
        var temp = NewTempPath();
        try
        {
            var written = await HashingFileWriter.WriteAsync(content, temp, cancellationToken);
            return Commit(bucket, name, temp, written, contentType, metadata, preconditions);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Makes a finished file the object's new generation, if the preconditions hold at this moment.</summary>
    public ObjectRecord Commit(string bucket, string name, string file, HashingFileWriter.Written written, string? contentType, Dictionary<string, string>? metadata, Preconditions preconditions)
    {
        ValidateObjectName(name);
        lock (_gate)
        {
            var state = Bucket(bucket);
            var current = state.Objects.GetValueOrDefault(name);
            if (!preconditions.HoldFor(current))
            {
                throw GcsException.ConditionNotMet();
            }
            var generation = NextGeneration();
            var now = DateTimeOffset.UtcNow;
            var record = new ObjectRecord
            {
                Bucket = bucket,
                Name = name,
                Generation = generation,
                Metageneration = 1,
                Size = written.Size,
                Md5Hash = written.Md5Hash,
                Crc32C = written.Crc32C,
                ContentType = contentType ?? "application/octet-stream",
                Metadata = metadata is { Count: > 0 } ? metadata : null,
                TimeCreated = now,
                Updated = now,
                DataFile = $"{NameHash(name)}.{generation}.bin",
            };
            File.Move(file, DataPath(record));
            SaveRecord(record);
            state.Objects[name] = record;
            if (current is not null)
            {
                File.Delete(DataPath(current));
            }
            return record;
        }
    }

    /// <summary>Copies (or rewrites) an object; the destination gets a new generation and, unless overridden, the source's metadata.</summary>
    public ObjectRecord Copy(string sourceBucket, string sourceName, Preconditions sourcePreconditions, string bucket, string name, string? contentType, Dictionary<string, string>? metadata, Preconditions preconditions)
    {
        var source = GetObject(sourceBucket, sourceName, sourcePreconditions);
        var temp = NewTempPath();
        try
        {
            File.Copy(DataPath(source), temp);
            return Commit(bucket, name, temp, new HashingFileWriter.Written(source.Size, source.Md5Hash, source.Crc32C), contentType ?? source.ContentType, metadata ?? source.Metadata, preconditions);
        }
        catch (FileNotFoundException)
        {
            // A concurrent write replaced the source generation while it was being copied.
            throw GcsException.ObjectNotFound(sourceBucket, sourceName);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Replaces (PUT) or merges (PATCH) an object's metadata; a new metageneration, the same generation.</summary>
    public ObjectRecord UpdateMetadata(string bucket, string name, string? contentType, Dictionary<string, string?>? metadata, bool merge, Preconditions preconditions)
    {
        lock (_gate)
        {
            var state = Bucket(bucket);
            var current = Current(state, bucket, name, preconditions);
            var updatedMetadata = merge && current.Metadata is not null ? new Dictionary<string, string>(current.Metadata) : new Dictionary<string, string>();
            foreach (var (key, value) in metadata ?? [])
            {
                if (value is null)
                {
                    updatedMetadata.Remove(key);
                }
                else
                {
                    updatedMetadata[key] = value;
                }
            }
            var record = current with
            {
                Metageneration = current.Metageneration + 1,
                ContentType = contentType ?? (merge ? current.ContentType : "application/octet-stream"),
                Metadata = updatedMetadata.Count > 0 ? updatedMetadata : null,
                Updated = DateTimeOffset.UtcNow,
            };
            SaveRecord(record);
            state.Objects[name] = record;
            return record;
        }
    }

    public void Delete(string bucket, string name, Preconditions preconditions)
    {
        lock (_gate)
        {
            var state = Bucket(bucket);
            var current = Current(state, bucket, name, preconditions);
            state.Objects.Remove(name);
            File.Delete(RecordPath(current));
            File.Delete(DataPath(current));
        }
    }

    private BucketState Bucket(string name) => _buckets.GetValueOrDefault(name) ?? throw GcsException.BucketNotFound(name);

    private long NextGeneration()
    {
        // Real generations are microsecond timestamps; keep that look, and keep them strictly increasing.
        _lastGeneration = Math.Max(_lastGeneration + 1, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000);
        return _lastGeneration;
    }

    private void SaveRecord(ObjectRecord record)
    {
        var temp = NewTempPath();
        File.WriteAllText(temp, JsonSerializer.Serialize(record, Json));
        File.Move(temp, RecordPath(record), overwrite: true);
    }

    private string RecordPath(ObjectRecord record) => Path.Combine(_bucketsRoot, record.Bucket, "objects", NameHash(record.Name) + ".json");

    private static string NameHash(string name) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));

    private static void ValidateObjectName(string name)
    {
        if (name.Length == 0 || Encoding.UTF8.GetByteCount(name) > 1024 || name.Contains('\r') || name.Contains('\n') || name is "." or "..")
        {
            throw GcsException.Invalid("Object names must be 1 to 1024 bytes of UTF-8 without carriage returns or line feeds, and not '.' or '..'.");
        }
    }

    private void Load()
    {
        // Temporary files are uploads and copies that a stop interrupted before they were committed.
        foreach (var leftover in Directory.EnumerateFiles(_temp))
        {
            File.Delete(leftover);
        }
        foreach (var bucketFile in Directory.EnumerateFiles(_bucketsRoot, "bucket.json", SearchOption.AllDirectories))
        {
            var bucket = JsonSerializer.Deserialize<BucketRecord>(File.ReadAllText(bucketFile), Json)!;
            var state = new BucketState(bucket);
            var objects = Path.Combine(Path.GetDirectoryName(bucketFile)!, "objects");
            foreach (var recordFile in Directory.EnumerateFiles(objects, "*.json"))
            {
                var record = JsonSerializer.Deserialize<ObjectRecord>(File.ReadAllText(recordFile), Json)!;
                state.Objects[record.Name] = record;
                _lastGeneration = Math.Max(_lastGeneration, record.Generation);
            }
            // Data files no record points at are leftovers of writes a crash interrupted.
            var live = state.Objects.Values.Select(record => record.DataFile).ToHashSet();
            foreach (var orphan in Directory.EnumerateFiles(objects, "*.bin").Where(path => !live.Contains(Path.GetFileName(path))))
            {
                File.Delete(orphan);
            }
            _buckets[bucket.Name] = state;
        }
        _logger.LogInformation("GCS emulator data in {Root}: {Buckets} buckets, {Objects} objects",
            _bucketsRoot, _buckets.Count, _buckets.Values.Sum(bucket => bucket.Objects.Count));
    }

    private sealed class BucketState(BucketRecord record)
    {
        public BucketRecord Record { get; } = record;

        public SortedDictionary<string, ObjectRecord> Objects { get; } = new(Utf8Order.Instance);
    }
}
