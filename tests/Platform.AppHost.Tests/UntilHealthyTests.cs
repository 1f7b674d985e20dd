using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.AppHost.Infrastructure;

namespace Platform.AppHost.Tests;

/// <summary>The health check wrapper that looks closely at a resource until it is up, and only once per check after that.</summary>
public sealed class UntilHealthyTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_resource_that_comes_up_during_a_check_is_reported_healthy_by_that_check()
    {
        var resource = new Resource { HealthyFromCall = 4 };
        var check = new UntilHealthy(resource, TimeSpan.FromMinutes(1), Interval);

        var result = await check.CheckHealthAsync(new HealthCheckContext(), Cancellation);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(4, resource.Calls);
    }

    [Fact]
    public async Task A_resource_still_down_when_the_window_ends_is_reported_unhealthy_with_its_reason()
    {
        var resource = new Resource();
        var check = new UntilHealthy(resource, TimeSpan.FromMilliseconds(200), Interval);

        var result = await check.CheckHealthAsync(new HealthCheckContext(), Cancellation);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("not up yet", result.Description);
        Assert.True(resource.Calls > 1, $"It looked {resource.Calls} times within the window.");
    }

    [Fact]
    public async Task A_resource_that_was_up_and_goes_down_is_reported_unhealthy_at_the_first_look()
    {
        var resource = new Resource { HealthyFromCall = 1, HealthyUntilCall = 1 };
        var check = new UntilHealthy(resource, TimeSpan.FromMinutes(1), Interval);
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new HealthCheckContext(), Cancellation)).Status);

        var result = await check.CheckHealthAsync(new HealthCheckContext(), Cancellation);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal(2, resource.Calls);
    }

    [Fact]
    public async Task After_reporting_it_down_the_next_check_watches_it_come_back()
    {
        var resource = new Resource { HealthyFromCall = 1, HealthyUntilCall = 1, HealthyAgainFromCall = 5 };
        var check = new UntilHealthy(resource, TimeSpan.FromMinutes(1), Interval);
        await check.CheckHealthAsync(new HealthCheckContext(), Cancellation);
        Assert.Equal(HealthStatus.Unhealthy, (await check.CheckHealthAsync(new HealthCheckContext(), Cancellation)).Status);

        var result = await check.CheckHealthAsync(new HealthCheckContext(), Cancellation);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(5, resource.Calls);
    }

    /// <summary>A resource whose own check answers healthy on the calls given (counted from 1), and unhealthy otherwise.</summary>
    private sealed class Resource : IHealthCheck
    {
        public int Calls { get; private set; }

        public int HealthyFromCall { get; init; } = int.MaxValue;

        public int HealthyUntilCall { get; init; } = int.MaxValue;

        public int HealthyAgainFromCall { get; init; } = int.MaxValue;

        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            Calls++;
            var up = (Calls >= HealthyFromCall && Calls <= HealthyUntilCall) || Calls >= HealthyAgainFromCall;
            return Task.FromResult(up ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("not up yet"));
        }
    }
}
