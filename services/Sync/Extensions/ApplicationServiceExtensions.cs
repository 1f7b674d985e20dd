using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Storage.Configuration;
using Platform.Sync.Consumers;
using Platform.Sync.Reconciliation;
using Platform.Sync.Services;

namespace Platform.Sync.Extensions;

public static class ApplicationServiceExtensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<SyncOptions, SyncOptionsAnnotationsValidator>(SyncOptions.SectionName);
        builder.Services.AddSingleton<IValidateOptions<SyncOptions>>(services => new ProblemsValidator(services));
        builder.Services.AddObjectStores(builder.Configuration);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<LocalStores>();
        builder.Services.AddSingleton<Replicator>();
        builder.Services.AddSingleton<ReplicationHandler>();
        builder.Services.AddSingleton<RuleRunner>();
        builder.Services.AddSingleton<Reconciler>();
        builder.Services.AddHostedService<ReconcileScheduler>();

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

        builder.AddSyncMessaging();
        return builder;
    }

    /// <summary>
    /// MassTransit over RabbitMQ (in-memory without <c>ConnectionStrings:rabbitmq</c>). Each consumer's queue is named after
    /// the worker's cloud by its definition; messages are consumed with no MassTransit retry, because the handler retries
    /// and redelivers itself and a message that still fails belongs in the error queue.
    /// </summary>
    private static void AddSyncMessaging(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<BrokerConnection>();
        builder.Services.AddSingleton<Redelivery>();
        builder.Services.AddSingleton<QueueDepthProbe>();
        builder.Services.AddHostedService(services => services.GetRequiredService<QueueDepthProbe>());
        builder.Services.AddSingleton<SyncEndpoints>();
        builder.Services.AddSingleton<SyncMetrics>();

        builder.AddPlatformBus(bus =>
        {
            bus.AddConsumer<ArtifactStoredConsumer, ArtifactStoredConsumerDefinition>();
            bus.AddConsumer<ReplicateObjectConsumer, ReplicateObjectConsumerDefinition>();
        });
    }

    private sealed class ProblemsValidator(IServiceProvider services) : IValidateOptions<SyncOptions>
    {
        public ValidateOptionsResult Validate(string? name, SyncOptions options)
        {
            var stores = services.GetRequiredService<ObjectStores>();
            var problems = LocalStores.Problems(options, stores)
                .Concat(options.Rules.SelectMany((rule, index) => RuleProblems(rule, index, stores)))
                .ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }

        private static IEnumerable<string> RuleProblems(SyncRule rule, int index, ObjectStores stores)
        {
            if (!stores.TryGet(rule.Source, out _))
            {
                yield return $"Sync:Rules:{index}:Source '{rule.Source}' is not a configured store.";
            }
            if (rule.Destinations.Count == 0)
            {
                yield return $"Sync:Rules:{index} names no Destinations.";
            }
            foreach (var destination in rule.Destinations.Where(destination => !stores.TryGet(destination, out _)))
            {
                yield return $"Sync:Rules:{index}:Destinations names '{destination}', which is not a configured store.";
            }
            if (rule.MaxDeletes < 0)
            {
                yield return $"Sync:Rules:{index}:MaxDeletes cannot be negative.";
            }
        }
    }
}
