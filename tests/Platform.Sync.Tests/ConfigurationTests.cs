using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.Sync.Extensions;

namespace Platform.Sync.Tests;

public sealed class ConfigurationTests
{
    [Fact]
    public void Durations_out_of_range_are_refused_with_the_setting_named()
    {
        var exception = Assert.Throws<OptionsValidationException>(() => Options(new()
        {
            ["Sync:Cloud"] = "aws",
            ["Sync:RetryMinDelay"] = "00:00:00",
            ["Sync:ReconcileInterval"] = "30.00:00:00",
        }));

        Assert.Contains("RetryMinDelay", exception.Message);
        Assert.Contains("ReconcileInterval", exception.Message);
        Assert.DoesNotContain("RetryMaxDelay", exception.Message);
    }

    private static SyncOptions Options(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Stores:aws:Provider"] = "FileSystem",
            ["Storage:Stores:aws:Path"] = Path.GetTempPath(),
            ["Storage:Stores:aws:Cloud"] = "aws",
        });
        builder.AddApplicationServices();
        using var host = builder.Build();
        return host.Services.GetRequiredService<IOptions<SyncOptions>>().Value;
    }
}
