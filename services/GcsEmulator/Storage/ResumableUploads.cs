using System.Text.Json;

namespace Platform.GcsEmulator.Storage;

/// <summary>
/// Resumable upload sessions on disk: the object's metadata and preconditions in a JSON file, the bytes received so far in a
/// data file whose length is the persisted offset. Sessions survive an emulator restart, as GCS sessions survive client ones.
/// A finished session keeps the object it created, because GCS answers any later request to it with that object: a client
/// whose last chunk's response was lost asks for the status and learns that the upload is done.
/// </summary>
public sealed class ResumableUploads
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly string _root;

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

    /// <summary>The open session, or null when it has finished; a 404 when there never was one (or it was cancelled).</summary>
    public Session? Get(string id)
    {
        if (File.Exists(SessionPath(id)))
        {
            return JsonSerializer.Deserialize<Session>(File.ReadAllText(SessionPath(id)), Json)!;
        }
        return File.Exists(FinishedPath(id))
            ? null
            : throw new GcsException(404, "notFound", "No such upload session (it was cancelled or never existed).");
    }

    /// <summary>The object a finished session created.</summary>
    public ObjectRecord Result(string id) => JsonSerializer.Deserialize<ObjectRecord>(File.ReadAllText(FinishedPath(id)), Json)!;

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

    public string DataPath(string id) => PathOf(id, ".bin");

    /// <summary>Records the object the session created, and forgets its bytes.</summary>
    public void Finish(string id, ObjectRecord record)
    {
        File.WriteAllText(FinishedPath(id), JsonSerializer.Serialize(record, Json));
        End(id);
    }

    /// <summary>Forgets the session and its bytes.</summary>
    public void End(string id)
    {
        File.Delete(SessionPath(id));
        File.Delete(DataPath(id));
    }

    private string SessionPath(string id) => PathOf(id, ".json");

    private string FinishedPath(string id) => PathOf(id, ".done.json");

    // The id comes from the request; only ids this class made may become file names.
    private string PathOf(string id, string suffix) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower)
        ? Path.Combine(_root, id + suffix)
        : throw new GcsException(404, "notFound", "No such upload session.");
}
