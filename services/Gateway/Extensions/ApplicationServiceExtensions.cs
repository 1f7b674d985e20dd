using Microsoft.Extensions.Options;
using Platform.Gateway.Routing;

namespace Platform.Gateway.Extensions;

public static class ApplicationServiceExtensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<GatewayOptions, GatewayOptionsAnnotationsValidator>(GatewayOptions.SectionName);
        builder.Services.AddSingleton<IValidateOptions<GatewayOptions>>(new ProblemsValidator());
        builder.Services.AddHttpForwarder();
        builder.Services.AddSingleton<Clouds>();
        builder.Services.AddSingleton<GatewayMetrics>();
        builder.Services.AddSingleton<FailoverForwarder>();
        builder.Services.AddHostedService<HealthProber>();
        builder.AddHttp2Port($"{GatewayOptions.SectionName}:{nameof(GatewayOptions.GrpcPort)}");
        return builder;
    }

    private sealed class ProblemsValidator : IValidateOptions<GatewayOptions>
    {
        public ValidateOptionsResult Validate(string? name, GatewayOptions options)
        {
            var problems = options.Problems().ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
