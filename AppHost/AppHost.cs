using Platform.AppHost.Infrastructure;

var builder = DistributedApplication.CreateBuilder(args);
var infrastructure = new Provisioning(builder);

// The bus.
var rabbitmq = infrastructure.AddRabbitMq("rabbitmq");

// Three simulated clouds, each with its own object store behind its real API, and the embedded local store.
var aws = infrastructure.AddS3Store("aws");
var gcp = infrastructure.AddGcsStore("gcp");
var azure = infrastructure.AddAzureBlobStore("azure");
var local = infrastructure.AddFileSystemStore("local");

// The control plane: the model registry, storing artifacts in its home cloud and recording replicas in every cloud.
// It does not wait for RabbitMQ: its bus starts once the broker answers, and its outbox keeps the events until then.
var registry = infrastructure.AddRegistry("registry", home: aws, aws, gcp, azure)
    .WithBus(rabbitmq);

// The sample models, registered at first start (local runs only: a deployment registers its own models).
if (!infrastructure.Publishing)
{
    infrastructure.AddModelSeeding("seed-models", registry, home: aws);
}

// Each cloud: a sync worker and an inference service, bound to that cloud's store. Models beyond the declared ones are
// loaded through each inference service's repository API, with this key.
var repositoryKey = builder.AddParameter("inference-repository-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
// The key each sync worker's POST /api/reconcile (an on-demand reconcile) needs.
var syncKey = builder.AddParameter("sync-api-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
ObjectStoreResource[] clouds = [aws, gcp, azure];
var inference = clouds.Select(cloud => infrastructure.AddCloudStamp(cloud, clouds, registry, rabbitmq, repositoryKey, syncKey)).ToList();

// The global entry point for inference: the nearest cloud where the model is ready, failing over to the others.
infrastructure.AddGateway("gateway", preferredCloud: "aws", inference);

infrastructure.ThrowIfAnythingMissing();
builder.Build().Run();
