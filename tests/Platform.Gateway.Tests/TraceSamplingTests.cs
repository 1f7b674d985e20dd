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

/// <summary>The trace rate limit every service gets from ServiceDefaults when <c>Telemetry:MaxTracesPerSecond</c> is set.</summary>
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
        // Traced under the host's own application name (a source every service traces), not a Platform.* one: the hosts of
        // other tests running meanwhile trace those too, without a rate, and an activity is recorded if any listener asks.
        var application = $"sampling-test-{Guid.NewGuid():n}";
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production", ApplicationName = application });
        builder.Configuration.AddInMemoryCollection([new KeyValuePair<string, string?>(Microsoft.Extensions.Hosting.Extensions.MaxTracesPerSecondKey, "3")]);
        builder.ConfigureOpenTelemetry();
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        using var source = new ActivitySource(application);

        // Each a root of its own: one started while another is current would be its child, sampled with it.
        var recorded = Enumerable.Range(0, 20).Count(_ =>
        {
            using var root = source.StartActivity("root");
            return root?.Recorded == true;
        });
        // A request whose caller sampled its trace is traced even though the bucket is empty, and one whose caller dropped it is not.
        var sampledParent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        var droppedParent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true);
        using var continued = source.StartActivity("continued", ActivityKind.Server, sampledParent);
        using var notContinued = source.StartActivity("not continued", ActivityKind.Server, droppedParent);

        // The bucket holds one second's worth; the loop above may take a few milliseconds, which refill almost nothing.
        Assert.InRange(recorded, 3, 4);
        Assert.True(continued?.Recorded);
        Assert.NotEqual(true, notContinued?.Recorded);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    private static bool Sampled(Sampler sampler) =>
        sampler.ShouldSample(new SamplingParameters(default, ActivityTraceId.CreateRandom(), "request", ActivityKind.Server)).Decision
            == SamplingDecision.RecordAndSample;

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
