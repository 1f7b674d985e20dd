using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.Gateway.Extensions;

namespace Platform.Gateway.Tests;

public sealed class ConfigurationTests
{
    [Fact]
    public void Durations_out_of_range_are_refused_with_the_setting_named()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:Clouds:aws:Url"] = "http://127.0.0.1:1",
            ["Gateway:ProbeInterval"] = "00:00:00.001",
            ["Gateway:RequestTimeout"] = "01:00:00",
        });
        builder.AddApplicationServices();
        using var host = builder.Build();

        var exception = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<GatewayOptions>>().Value);
        Assert.Contains("ProbeInterval", exception.Message);
        Assert.Contains("RequestTimeout", exception.Message);
        Assert.DoesNotContain("ProbeTimeout", exception.Message);
    }
}
