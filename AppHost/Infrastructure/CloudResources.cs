namespace Platform.AppHost.Infrastructure;

public static class CloudResources
{
    /// <summary>The sample models every inference service serves, by the name clients use, following their production alias.</summary>
    private static readonly string[] ServedModels = ["iris", "house-price", "mlp"];

    /// <summary>The HTTP/2-only endpoint of inference and the gateway (local runs): gRPC, and for inference the REST protocol too, which the gateway uses.</summary>
    private const string Http2Endpoint = "grpc";

    /// <summary>
    /// One cloud's share of the platform, bound to its own store <paramref name="home"/>: a sync worker that pulls every
    /// artifact into that store, and an inference service that serves from it (falling back to another cloud's replica
    /// only when its own is missing). Every store in <paramref name="stores"/> is a source both may read; <paramref name="repositoryKey"/>
    /// opens the inference service's repository API (load a model by registry reference, unload), <paramref name="syncKey"/> the
    /// sync worker's on-demand reconcile. Adding a cloud is one more call. Returns the inference service, for the gateway.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddCloudStamp(this Provisioning provisioning, ObjectStoreResource home, ObjectStoreResource[] stores,
        IResourceBuilder<ProjectResource> registry, IResourceBuilder<IResourceWithConnectionString> rabbitmq, IResourceBuilder<ParameterResource> repositoryKey,
        IResourceBuilder<ParameterResource> syncKey)
    {
        // Neither waits for RabbitMQ: each starts its bus once the broker answers (ServiceDefaults' BrokerGate), so the start
        // runs beside the broker's. Nor does inference wait for the sample models to be registered: it loads them on their
        // alias events, and retries a model that is not there yet after 1 s, then twice as long each time.
        provisioning.AddSyncWorker(home, stores)
            .WithEnvironment("Sync__ApiKey", syncKey)
            .WithRegistry(registry)
            .WithBus(rabbitmq);

        // Not the project's launch profile: its fixed port (for running it alone) would clash between the clouds.
        var inference = provisioning.AddService<Projects.Platform_Inference>($"inference-{home.Cloud}", options => options.ExcludeLaunchProfile = true)
            .WithHttpEndpoint()
            // The gateway reaches every cloud's inference from its own cloud, so in a deployment each one has an ingress.
            .WithExternalHttpEndpoints()
            .WithEnvironment("Inference__LocalStore", home.Name)
            .WithEnvironment("Inference__RepositoryApiKey", repositoryKey)
            .WithPromptHttpHealthCheck("/health")
            .WithRegistry(registry)
            .WithBus(rabbitmq);
        if (!provisioning.Publishing)
        {
            // The protocol's gRPC API, on a port of its own (HTTP/2 without TLS): the env makes it Inference:GrpcPort, which
            // also keeps it out of ASPNETCORE_URLS. It serves the REST protocol too, over HTTP/2, which is how the gateway
            // calls it here. Not in the Kubernetes manifests yet (docs/inference.md).
            inference.WithHttpEndpoint(name: Http2Endpoint, env: "Inference__GrpcPort");
        }
        foreach (var model in ServedModels)
        {
            inference.WithEnvironment($"Inference__Models__{model}__Reference", $"{model}@production");
        }
        foreach (var store in stores.Append(home).Distinct())
        {
            inference.WithObjectStore(store);
        }
        // Verified artifacts are cached on local disk: beside the other local data here; in a pod, on the writable /tmp volume.
        inference.WithEnvironment("Inference__CacheDirectory",
            provisioning.Publishing ? "/tmp/model-cache" : provisioning.DataFolder($"inference-{home.Cloud}-cache"));
        return inference;
    }

    /// <summary>The global entry point for the Open Inference Protocol: routes to the clouds' inference services, preferring <paramref name="preferredCloud"/>.</summary>
    public static IResourceBuilder<ProjectResource> AddGateway(this Provisioning provisioning, string name, string preferredCloud,
        IEnumerable<IResourceBuilder<ProjectResource>> inference)
    {
        var gateway = provisioning.AddService<Projects.Platform_Gateway>(name)
            .WithEnvironment("Gateway__PreferredCloud", preferredCloud)
            .WithExternalHttpEndpoints()
            .WithPromptHttpHealthCheck("/health");
        if (!provisioning.Publishing)
        {
            // The protocol's gRPC API through the gateway, as inference's: a port of its own, HTTP/2 without TLS, Gateway:GrpcPort.
            gateway.WithHttpEndpoint(name: Http2Endpoint, env: "Gateway__GrpcPort");
        }
        foreach (var service in inference)
        {
            var cloud = service.Resource.Name["inference-".Length..];
            // Not WaitFor: the gateway probes every cloud and routes around one that is not up, which is what it is for, so it
            // starts beside the clouds' services instead of after all of them.
            if (provisioning.Publishing)
            {
                gateway.WithEnvironment($"Gateway__Clouds__{cloud}__Url", service.GetEndpoint("http"));
            }
            else
            {
                // Over HTTP/2, to the endpoint that speaks only that: a request through YARP costs the machine about a fifth
                // less CPU than over HTTP/1.1 (docs/benchmarks.md).
                gateway.WithEnvironment($"Gateway__Clouds__{cloud}__Url", service.GetEndpoint(Http2Endpoint))
                    .WithEnvironment($"Gateway__Clouds__{cloud}__Http2", "true");
            }
        }
        return gateway;
    }
}
