using Microsoft.AspNetCore.Http;

namespace Platform.Gateway.Tests;

/// <summary>The gateway asks every cloud whether it is ready twice a second; those calls are left out of the traces, inference is not.</summary>
public sealed class ProbeTests
{
    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    [InlineData("/v2/health/ready")]
    [InlineData("/v2/health/live")]
    [InlineData("/v2/models/mlp/ready")]
    [InlineData("/v2/models/mlp/versions/2/ready")]
    public void Readiness_and_liveness_calls_are_probes(string path) => Assert.True(Microsoft.Extensions.Hosting.Extensions.IsProbe(new PathString(path)));

    [Theory]
    [InlineData("/v2/models/mlp/infer")]
    [InlineData("/v2/models/ready")]
    [InlineData("/v2/models/mlp")]
    [InlineData("/v2")]
    [InlineData("/v2/repository/models/ready/load")]
    [InlineData("/api/models")]
    public void Inference_metadata_and_the_apis_are_not_probes(string path) => Assert.False(Microsoft.Extensions.Hosting.Extensions.IsProbe(new PathString(path)));
}
