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
var registry = infrastructure.AddRegistry("registry", home: aws, aws, gcp, azure)
    .WithReference(rabbitmq).WaitFor(rabbitmq);

// The sample models, registered at first start (local runs only: a deployment registers its own models).
if (!infrastructure.Publishing)
{
    infrastructure.AddModelSeeding("seed-models", registry);
}

// One sync worker per cloud, pulling verified copies into its own cloud's store.
foreach (var cloud in new[] { aws, gcp, azure })
{
    infrastructure.AddSyncWorker(cloud, aws, gcp, azure)
        .WithRegistry(registry)
        .WithReference(rabbitmq).WaitFor(rabbitmq);
}

infrastructure.ThrowIfAnythingMissing();
builder.Build().Run();
