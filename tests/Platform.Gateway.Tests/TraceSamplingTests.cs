using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;

namespace Platform.Gateway.Tests;

/// <summary>
/// Runs alone: a host's sampler is asked about every activity in the process from the sources it listens to (HttpClient,
/// ASP.NET Core, Platform.*), so the gateway tests' traffic and probes, running meanwhile, would spend this host's tokens.
/// </summary>
[CollectionDefinition(nameof(TraceSamplingTests), DisableParallelization = true)]
public sealed class TraceSamplingCollection;

/// <summary>The trace rate limit every service gets from ServiceDefaults: <c>Telemetry:MaxTracesPerSecond</c>, 20 by default.</summary>
[Collection(nameof(TraceSamplingTests))]
public sealed class TraceSamplingTests
{
    [Fact]
    public void The_sampler_starts_at_most_its_rate_and_refills_with_time()
    {
        var time = new ManualTime();
        var sampler = new RateLimitingSampler(5, time);

        Assert.Equal(5, Enumerable.Range(0, 8).Count(_ => Sampled(sampler)));
        time.Advance(TimeSpan.FromMilliseconds(400));
        Assert.Equal(2, Enumerable.Range(0, 8).Count(_ => Sampled(sampler)));
        // A long quiet spell fills the bucket to one second's worth, no more.
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(5, Enumerable.Range(0, 8).Count(_ => Sampled(sampler)));
    }

    [Fact]
    public async Task A_service_with_the_setting_keeps_whole_traces_within_the_rate()
    {
        await using var host = await TracedHost.StartAsync(new() { [Microsoft.Extensions.Hosting.Extensions.MaxTracesPerSecondKey] = "3" });

        var recorded = host.RootsRecorded(20);
        // A request whose caller sampled its trace is traced even though the bucket is empty, and one whose caller dropped it is not.
        var sampledParent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        var droppedParent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true);
        using var continued = host.Source.StartActivity("continued", ActivityKind.Server, sampledParent);
        using var notContinued = host.Source.StartActivity("not continued", ActivityKind.Server, droppedParent);

        // The bucket holds one second's worth; the loop above may take a few milliseconds, which refill almost nothing.
        Assert.InRange(recorded, 3, 4);
        Assert.True(continued?.Recorded);
        Assert.NotEqual(true, notContinued?.Recorded);
    }

    [Fact]
    public async Task A_service_without_the_setting_starts_at_most_the_default_rate()
    {
        await using var host = await TracedHost.StartAsync([]);

        Assert.InRange(host.RootsRecorded(60), (int)Microsoft.Extensions.Hosting.Extensions.DefaultMaxTracesPerSecond,
            (int)Microsoft.Extensions.Hosting.Extensions.DefaultMaxTracesPerSecond + 1);
    }

    [Fact]
    public async Task Zero_traces_every_request()
    {
        await using var host = await TracedHost.StartAsync(new() { [Microsoft.Extensions.Hosting.Extensions.MaxTracesPerSecondKey] = "0" });

        Assert.Equal(60, host.RootsRecorded(60));
    }

    [Fact]
    public async Task Without_the_setting_OpenTelemetrys_own_sampler_variable_decides()
    {
        await using var host = await TracedHost.StartAsync(new() { ["OTEL_TRACES_SAMPLER"] = "always_off" });

        Assert.Equal(0, host.RootsRecorded(10));
    }

    [Fact]
    public async Task A_negative_rate_stops_the_service_with_its_reason()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            TracedHost.StartAsync(new() { [Microsoft.Extensions.Hosting.Extensions.MaxTracesPerSecondKey] = "-1" }));

        Assert.Contains(Microsoft.Extensions.Hosting.Extensions.MaxTracesPerSecondKey, error.Message);
    }

    private static bool Sampled(Sampler sampler) =>
        sampler.ShouldSample(new SamplingParameters(default, ActivityTraceId.CreateRandom(), "request", ActivityKind.Server)).Decision
            == SamplingDecision.RecordAndSample;

    /// <summary>
    /// A host with ServiceDefaults' telemetry, tracing under its own application name (a source every service traces), not a
    /// Platform.* one: the hosts of other tests running meanwhile trace those too, and an activity is recorded if any listener asks.
    /// </summary>
    private sealed class TracedHost : IAsyncDisposable
    {
        private readonly IHost _host;

        private TracedHost(IHost host, string application)
        {
            _host = host;
            Source = new ActivitySource(application);
        }

        public ActivitySource Source { get; }

        public static async Task<TracedHost> StartAsync(Dictionary<string, string?> settings)
        {
            var application = $"sampling-test-{Guid.NewGuid():n}";
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production", ApplicationName = application });
            builder.Configuration.AddInMemoryCollection(settings);
            builder.ConfigureOpenTelemetry();
            var host = builder.Build();
            await host.StartAsync(TestContext.Current.CancellationToken);
            return new TracedHost(host, application);
        }

        /// <summary>Starts <paramref name="count"/> traces, each a root of its own (one started while another is current would be its child, sampled with it).</summary>
        public int RootsRecorded(int count) => Enumerable.Range(0, count).Count(_ =>
        {
            using var root = Source.StartActivity("root");
            return root?.Recorded == true;
        });

        public async ValueTask DisposeAsync()
        {
            Source.Dispose();
            await _host.StopAsync(TestContext.Current.CancellationToken);
            _host.Dispose();
        }
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
