using Platform.Testing;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Platform.Storage.Bench;

/// <summary>
/// Platform.Storage against the raw SDK on the same backend, in the same run: the raw call is each category's baseline,
/// so the Ratio column is Platform.Storage's time over the SDK's (throughput ratio = 1 / Ratio). Puts always do more than the
/// raw SDK (SHA-256 of every byte, staging for atomic large puts); reads are measured plain (the same work as the SDK) and
/// verified (SHA-256 checked end to end), so the cost of verification shows on its own.
/// </summary>
[Config(typeof(Config))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class StorageBenchmarks
{
    private const int SmallCount = 1000;
    private const int SmallSize = 1024;
    private const long LargeSize = 256L * 1024 * 1024;
    private const int Concurrency = 8;

    private static readonly ReadOptions Verified = new() { VerifySha256 = true };

    private readonly byte[][] _small = Enumerable.Range(0, SmallCount).Select(seed => RandomBytes(SmallSize, seed)).ToArray();
    private BenchTarget _target = null!;

    [ParamsSource(nameof(Providers))]
    public string Provider { get; set; } = "";

    public static IEnumerable<string> Providers => (Environment.GetEnvironmentVariable("BENCH_PROVIDERS") ?? string.Join(",", BenchTarget.Providers)).Split(',');

    [GlobalSetup]
    public async Task StartAsync()
    {
        _target = await BenchTarget.StartAsync(Provider);
        // Downloads read what the uploads wrote; write it once so the download benchmarks never depend on upload order.
        await PlatformUpload1000x1KiB();
        await RawUpload1000x1KiB();
        await PlatformUpload256MiB();
        await RawUpload256MiB();
    }

    [GlobalCleanup]
    public async Task StopAsync() => await _target.DisposeAsync();

    [Benchmark(Baseline = true), BenchmarkCategory("upload 1000 x 1 KiB")]
    public Task RawUpload1000x1KiB() => ForEachSmall((i, token) => _target.Raw.PutAsync(SmallKey(i), new MemoryStream(_small[i]), token));

    [Benchmark, BenchmarkCategory("upload 1000 x 1 KiB")]
    public Task PlatformUpload1000x1KiB() => ForEachSmall((i, token) => _target.Store.PutAsync(SmallKey(i), new MemoryStream(_small[i]), cancellationToken: token));

    [Benchmark(Baseline = true), BenchmarkCategory("download 1000 x 1 KiB")]
    public Task RawDownload1000x1KiB() => ForEachSmall((i, token) => _target.Raw.GetAsync(SmallKey(i), Stream.Null, token));

    [Benchmark, BenchmarkCategory("download 1000 x 1 KiB")]
    public Task PlatformDownload1000x1KiB() => ForEachSmall((i, token) => ReadAsync(SmallKey(i), ReadOptions.Default, token));

    [Benchmark, BenchmarkCategory("download 1000 x 1 KiB")]
    public Task PlatformVerifiedDownload1000x1KiB() => ForEachSmall((i, token) => ReadAsync(SmallKey(i), Verified, token));

    [Benchmark(Baseline = true), BenchmarkCategory("upload 256 MiB")]
    public Task RawUpload256MiB() => _target.Raw.PutAsync("large.bin", new GeneratedStream(LargeSize));

    [Benchmark, BenchmarkCategory("upload 256 MiB")]
    public Task PlatformUpload256MiB() => _target.Store.PutAsync("large.bin", new GeneratedStream(LargeSize));

    [Benchmark(Baseline = true), BenchmarkCategory("download 256 MiB")]
    public Task RawDownload256MiB() => _target.Raw.GetAsync("large.bin", Stream.Null);

    [Benchmark, BenchmarkCategory("download 256 MiB")]
    public Task PlatformDownload256MiB() => ReadAsync("large.bin", ReadOptions.Default, CancellationToken.None);

    [Benchmark, BenchmarkCategory("download 256 MiB")]
    public Task PlatformVerifiedDownload256MiB() => ReadAsync("large.bin", Verified, CancellationToken.None);

    private async Task ReadAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        await using var read = await _target.Store.OpenReadAsync(key, options, cancellationToken);
        await read.CopyToAsync(Stream.Null, cancellationToken);
    }

    private static string SmallKey(int i) => $"small/{i:d4}.bin";

    private static Task ForEachSmall(Func<int, CancellationToken, Task> action) =>
        Parallel.ForEachAsync(Enumerable.Range(0, SmallCount), new ParallelOptions { MaxDegreeOfParallelism = Concurrency },
            async (i, token) => await action(i, token));

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            // Each invocation moves hundreds of MiB or a thousand requests: measure whole invocations, a few of them,
            // in this process (the backends are separate processes already).
            AddJob(Job.Default
                .WithStrategy(RunStrategy.Monitoring)
                .WithLaunchCount(1)
                .WithWarmupCount(1)
                .WithIterationCount(5)
                .WithToolchain(InProcessEmitToolchain.Instance));
        }
    }
}
