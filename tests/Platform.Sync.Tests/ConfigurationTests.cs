using Microsoft.Extensions.Options;
using Platform.Sync.Extensions;
using Platform.Testing;

namespace Platform.Sync.Tests;

public sealed class ConfigurationTests
{
    [Fact]
    public void Durations_out_of_range_are_refused_with_the_setting_named()
    {
        var exception = Assert.Throws<OptionsValidationException>(() => ConfiguredOptions.Of<SyncOptions>(new Dictionary<string, string?>
        {
            ["Sync:Cloud"] = "aws",
            ["Sync:RetryMinDelay"] = "00:00:00",
            ["Sync:ReconcileInterval"] = "30.00:00:00",
            ["Storage:Stores:aws:Provider"] = "FileSystem",
            ["Storage:Stores:aws:Path"] = Path.GetTempPath(),
            ["Storage:Stores:aws:Cloud"] = "aws",
        }, builder => builder.AddApplicationServices()));

        Assert.Contains("RetryMinDelay", exception.Message);
        Assert.Contains("ReconcileInterval", exception.Message);
        Assert.DoesNotContain("RetryMaxDelay", exception.Message);
    }
}
