using Microsoft.Extensions.Options;
using Platform.Inference.Grpc;
using Platform.Inference.Metrics;
using Platform.Inference.Models;
using Platform.Storage.Configuration;

namespace Platform.Inference.Extensions;

public static class ApplicationServiceExtensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<InferenceOptions, InferenceOptionsAnnotationsValidator>(InferenceOptions.SectionName);
        builder.Services.AddSingleton<IValidateOptions<InferenceOptions>>(services => new InferenceOptionsValidator(services));
        builder.Services.AddObjectStores(builder.Configuration);

        builder.Services.AddOptions<RegistryClientOptions>().BindConfiguration(RegistryClientOptions.SectionName);
        builder.Services.AddHttpClient<RegistryClient>((services, http) =>
        {
            var registry = services.GetRequiredService<IOptions<RegistryClientOptions>>().Value;
            if (registry.Url is not null)
            {
                http.BaseAddress = registry.Url;
            }
            if (!string.IsNullOrEmpty(registry.ApiKey))
            {
                http.DefaultRequestHeaders.Add("X-Api-Key", registry.ApiKey);
            }
        });

        builder.Services.AddSingleton<InferenceMetrics>();
        builder.Services.AddSingleton<ArtifactCache>();
        builder.Services.AddSingleton<ModelRepository>();
        builder.Services.AddHostedService<ModelRefresher>();
        builder.Services.AddHealthChecks().AddCheck<ModelsHealthCheck>("models");

        builder.AddGrpcEndpoint();
        builder.AddInferenceMessaging();
        builder.Services.AddOpenApi();
        return builder;
    }
}
