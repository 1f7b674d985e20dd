using Microsoft.Extensions.Options;
using Platform.Gateway.Extensions;
using Platform.Testing;

namespace Platform.Gateway.Tests;

public sealed class ConfigurationTests
{
    [Fact]
    public void Settings_out_of_range_are_refused_with_the_setting_named()
    {
        var exception = Assert.Throws<OptionsValidationException>(() => ConfiguredOptions.Of<GatewayOptions>(new Dictionary<string, string?>
        {
            ["Gateway:Clouds:aws:Url"] = "http://127.0.0.1:1",
            ["Gateway:Clouds:gcp:Url"] = "http://127.0.0.1:2",
            ["Gateway:Clouds:gcp:Weight"] = "-1",
            ["Gateway:ProbeInterval"] = "00:00:00.001",
            ["Gateway:RequestTimeout"] = "01:00:00",
        }, builder => builder.AddApplicationServices()));

        Assert.Contains("ProbeInterval", exception.Message);
        Assert.Contains("RequestTimeout", exception.Message);
        Assert.Contains("Gateway:Clouds:gcp:Weight", exception.Message);
        Assert.DoesNotContain("ProbeTimeout", exception.Message);
    }
}
