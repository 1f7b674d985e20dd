using Microsoft.AspNetCore.Http;
using Platform.Gateway.Routing;

namespace Platform.Gateway.Tests;

/// <summary>Which model a REST path is about, which decides the clouds that may take it and the models the prober watches.</summary>
public sealed class ModelRoutingTests
{
    [Theory]
    [InlineData("/v2/models/mlp/infer", "mlp")]
    [InlineData("/v2/models/mlp", "mlp")]
    [InlineData("/v2/models/mlp/versions/2/ready", "mlp")]
    [InlineData("/v2/models/mlp/stats", "mlp")]
    [InlineData("/v2/models/an%20mlp/config", "an mlp")]
    [InlineData("/v2/models/stats", null)]
    [InlineData("/v2", null)]
    [InlineData("/v2/health/ready", null)]
    [InlineData("/v2/repository/index", null)]
    public void A_path_names_its_model_and_a_server_wide_path_none(string path, string? model) =>
        Assert.Equal(model, FailoverForwarder.ModelOf(new PathString(path)));
}
