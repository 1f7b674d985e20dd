using Platform.Storage.Configuration;
using Platform.Storage.Providers.FileSystem;
using Platform.Storage.Tests.Conformance;

namespace Platform.Storage.Tests.Providers;

public sealed class FileSystemStoreFixture : IObjectStoreFixture
{
    private readonly string _root = Directory.CreateTempSubdirectory("platform-fs-store-").FullName;

    public ObjectStore Store { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Store = new FileSystemObjectStore("local", new ObjectStoreOptions
        {
            Provider = ObjectStoreProvider.FileSystem,
            Path = _root,
            SmallObjectThreshold = ObjectStoreConformanceTests<FileSystemStoreFixture>.SmallObjectThreshold,
        });
        await Store.EnsureCreatedAsync();
    }

    public async Task CorruptAsync(string key, CancellationToken cancellationToken)
    {
        // Write in place, as bit rot would: the file keeps its inode, and with it the recorded hash.
        await using var file = new FileStream(Path.Combine(_root, key), FileMode.Open, FileAccess.Write);
        file.Seek(file.Length / 2, SeekOrigin.Begin);
        file.WriteByte(0xFF ^ 0x5A);
        file.Seek(0, SeekOrigin.Begin);
        await file.WriteAsync(new byte[] { 0, 1, 2, 3, 4, 5, 6, 7 }, cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return ValueTask.CompletedTask;
    }
}

public sealed class FileSystemConformanceTests(FileSystemStoreFixture fixture)
    : ObjectStoreConformanceTests<FileSystemStoreFixture>(fixture);

[Collection(MemorySensitiveCollection.Name)]
public sealed class FileSystemLargeObjectTests(FileSystemStoreFixture fixture) : LargeObjectTests<FileSystemStoreFixture>(fixture);
