using System.Diagnostics;
using Platform.Testing;

namespace Platform.Registry.Bench;

/// <summary>
/// The floor under a registration: what the FileSystem store must at least do with an artifact (write it to a temp file,
/// fsync, rename it into place), with the same concurrency and no HTTP, database or ONNX Runtime.
/// </summary>
public static class FileWriteBaseline
{
    public static async Task<LoadResult> RunAsync(byte[] artifact, int concurrency, TimeSpan duration)
    {
        var folder = Directory.CreateTempSubdirectory("platform-registry-bench-files-").FullName;
        try
        {
            var stopwatch = Stopwatch.StartNew();
            var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
            {
                var latencies = new List<TimeSpan>();
                for (var i = 0; stopwatch.Elapsed < duration; i++)
                {
                    var started = stopwatch.Elapsed;
                    await WriteAsync(Path.Combine(folder, $"{worker}-{i}.onnx"), artifact);
                    latencies.Add(stopwatch.Elapsed - started);
                }
                return latencies;
            })).ToList();
            var all = (await Task.WhenAll(workers)).SelectMany(latencies => latencies).Order().ToList();
            var elapsed = stopwatch.Elapsed;
            return new LoadResult("1 MiB file write + fsync + rename (no HTTP)", "in-process", new LoadReport(all.Count, all.Count / elapsed.TotalSeconds,
                all[(int)Math.Ceiling(all.Count * 0.5) - 1], all[(int)Math.Ceiling(all.Count * 0.99) - 1], 0, []));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task WriteAsync(string path, byte[] content)
    {
        var temporary = path + ".tmp";
        await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
        {
            await file.WriteAsync(content);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path);
    }
}
