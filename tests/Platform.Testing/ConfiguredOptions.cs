using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Platform.Testing;

/// <summary>A service's options as its host would bind and validate them, without starting anything.</summary>
public static class ConfiguredOptions
{
    /// <summary>
    /// Builds a Production host from <paramref name="settings"/> with the service's registrations (<paramref name="addServices"/>)
    /// and returns its <typeparamref name="TOptions"/>; throws <see cref="OptionsValidationException"/> when they are invalid.
    /// </summary>
    public static TOptions Of<TOptions>(IReadOnlyDictionary<string, string?> settings, Action<IHostApplicationBuilder> addServices)
        where TOptions : class
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(settings);
        addServices(builder);
        using var host = builder.Build();
        return host.Services.GetRequiredService<IOptions<TOptions>>().Value;
    }
}
