using System.Text.Json;

namespace Platform.GcsEmulator.Storage;

/// <summary>
/// Resumable upload sessions on disk: the object's metadata and preconditions in a JSON file, the bytes received so far in a
/// data file whose length is the persisted offset. Sessions survive an emulator restart, as GCS sessions survive client ones.
/// </summary>
public sealed class ResumableUploads
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly string _root;
    private readonly Lock _gate = new();

    public ResumableUploads(string root)
    {
        _root = root;
        Directory.CreateDirectory(root);
    }

    public sealed record Session(string Bucket, string Name, string? ContentType, Dictionary<string, string>? Metadata, Preconditions Preconditions);

    public string Start(Session session)
    {
        var id = Guid.NewGuid().ToString("n");
        File.WriteAllText(SessionPath(id), JsonSerializer.Serialize(session, Json));
        File.Create(DataPath(id)).Dispose();
        return id;
    }

    public Session Get(string id)
    {
        if (id.Length != 32 || !id.All(char.IsAsciiHexDigitLower) || !File.Exists(SessionPath(id)))
        {
            throw new GcsException(404, "notFound", "No such upload session (it finished, was cancelled, or never existed).");
        }
        return JsonSerializer.Deserialize<Session>(File.ReadAllText(SessionPath(id)), Json)!;
    }

    /// <summary>Bytes persisted so far.</summary>
    public long Received(string id) => new FileInfo(DataPath(id)).Length;

    /// <summary>
    /// Appends the bytes of <paramref name="body"/> that belong at <paramref name="offset"/> onwards. Bytes the session already
    /// has are skipped (a client may resend from an earlier offset); a gap is refused.
    /// </summary>
    public async Task<long> AppendAsync(string id, long offset, Stream body, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(DataPath(id), FileMode.Append, FileAccess.Write, FileShare.Read, 256 * 1024, FileOptions.Asynchronous);
        var received = file.Length;
        if (offset > received)
        {
            throw GcsException.Invalid($"Chunk starts at byte {offset}, but only {received} bytes were received; resend from byte {received}.");
        }
        var skip = received - offset;
        var buffer = new byte[256 * 1024];
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var start = (int)Math.Min(skip, read);
            skip -= start;
            await file.WriteAsync(buffer.AsMemory(start, read - start), cancellationToken);
        }
        return file.Length;
    }

    public string DataPath(string id) => Path.Combine(_root, id + ".bin");

    /// <summary>Forgets the session and its bytes.</summary>
    public void End(string id)
    {
        lock (_gate)
        {
            File.Delete(SessionPath(id));
            File.Delete(DataPath(id));
        }
    }

    private string SessionPath(string id) => Path.Combine(_root, id + ".json");
}
