using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.Registry.Extensions;
using Platform.Registry.Outbox;
using Platform.Testing;

namespace Platform.Registry.Tests;

public sealed class ConfigurationTests
{
    private const long TwoGiB = 2L * 1024 * 1024 * 1024;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_artifact_may_be_up_to_2_GiB_unless_configured_otherwise(bool withShippedAppSettings)
    {
        var contentRoot = Directory.CreateTempSubdirectory("platform-registry-config-").FullName;
        try
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = contentRoot, EnvironmentName = "Production" });
            if (withShippedAppSettings)
            {
                builder.Configuration.AddJsonFile(Path.Combine(RepositoryPaths.Root, "services", "Registry", "appsettings.json"));
            }
            builder.AddApplicationServices();
            using var host = builder.Build();

            Assert.Equal(TwoGiB, host.Services.GetRequiredService<IOptions<RegistryOptions>>().Value.MaxArtifactBytes);
        }
        finally
        {
            Directory.Delete(contentRoot, recursive: true);
        }
    }

    [Fact]
    public void Durations_out_of_range_are_refused_with_the_setting_named()
    {
        Dictionary<string, string?> settings = new()
        {
            ["Registry:AbandonedUploadAfter"] = "00:00:00",
            ["Registry:Outbox:PollInterval"] = "1.00:00:00",
        };

        var registry = Assert.Throws<OptionsValidationException>(() => ConfiguredOptions.Of<RegistryOptions>(settings, builder => builder.AddApplicationServices()));
        Assert.Contains("AbandonedUploadAfter", registry.Message);
        var outbox = Assert.Throws<OptionsValidationException>(() => ConfiguredOptions.Of<OutboxOptions>(settings, builder => builder.AddApplicationServices()));
        Assert.Contains("PollInterval", outbox.Message);
        Assert.DoesNotContain("PublishTimeout", outbox.Message);
    }
}
