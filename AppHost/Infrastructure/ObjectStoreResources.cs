namespace Platform.AppHost.Infrastructure;

/// <summary>
/// The object store of each simulated cloud: a container where a container runtime answers (MinIO, fake-gcs-server,
/// Azurite), else a local emulator run as an executable or project (moto_server, the project's GCS emulator, Azurite from
/// tools/azurite); and the embedded file-system store.
/// </summary>
public static class ObjectStoreResources
{
    private const string Bucket = "platform";

    /// <summary>The aws cloud: S3 API.</summary>
    public static ObjectStoreResource AddS3Store(this Provisioning provisioning, string cloud)
    {
        if (provisioning.Publishing)
        {
            return provisioning.AddCloudStore(cloud, "S3");
        }
        var builder = provisioning.Builder;
        var name = $"{cloud}-storage";
        var accessKey = builder.AddParameter($"{name}-access-key", new GenerateParameterDefault { MinLength = 20, Special = false, Lower = false }, secret: true, persist: true);
        var secretKey = builder.AddParameter($"{name}-secret-key", new GenerateParameterDefault { MinLength = 40, Special = false }, secret: true, persist: true);
        IResourceBuilder<IResourceWithEndpoints> server;
        if (provisioning.ContainersAvailable)
        {
            server = builder.AddContainer(name, "minio/minio", "latest")
                .WithArgs("server", "/data")
                .WithEnvironment("MINIO_ROOT_USER", accessKey)
                .WithEnvironment("MINIO_ROOT_PASSWORD", secretKey)
                .WithHttpEndpoint(targetPort: 9000)
                .WithPromptHttpHealthCheck("/minio/health/live")
                .WithEnvironment(Provisioning.ChoiceVariable, provisioning.Report(name, "container (minio/minio)"));
        }
        else
        {
            var moto = provisioning.RequireOnPath("moto_server", "python3 -m pip install 'moto[server]==5.2.1'") ?? "moto_server";
            var executable = builder.AddExecutable(name, moto, provisioning.DataFolder(name), "-H", "127.0.0.1")
                .WithHttpEndpoint()
                // On its own port, not through the orchestrator's proxy (see ProjectLaunch.AddService).
                .WithAnnotation(new ProxySupportAnnotation { ProxyEnabled = false })
                .WithPromptHttpHealthCheck("/moto-api/")
                .WithEnvironment(Provisioning.ChoiceVariable, provisioning.Report(name, $"executable {moto} (no container runtime)"));
            var endpoint = executable.GetEndpoint("http");
            server = executable.WithArgs(context =>
            {
                context.Args.Add("-p");
                context.Args.Add(endpoint.Property(EndpointProperty.TargetPort));
            });
        }
        return Annotated(server.Resource, new ObjectStoreResource
        {
            Name = cloud,
            Provider = "S3",
            Cloud = cloud,
            Server = server,
            Settings = new Dictionary<string, object>
            {
                ["Bucket"] = Bucket,
                ["Endpoint"] = server.GetEndpoint("http"),
                ["Region"] = "us-east-1",
                ["AccessKey"] = accessKey.Resource,
                ["SecretKey"] = secretKey.Resource,
                ["CreateIfMissing"] = "true",
            },
        });
    }

    /// <summary>The gcp cloud: GCS JSON API.</summary>
    public static ObjectStoreResource AddGcsStore(this Provisioning provisioning, string cloud)
    {
        if (provisioning.Publishing)
        {
            return provisioning.AddCloudStore(cloud, "Gcs");
        }
        var builder = provisioning.Builder;
        var name = $"{cloud}-storage";
        IResourceBuilder<IResourceWithEndpoints> server = provisioning.ContainersAvailable
            ? builder.AddContainer(name, "fsouza/fake-gcs-server", "latest")
                .WithArgs("-scheme", "http", "-port", "4443")
                .WithHttpEndpoint(targetPort: 4443)
                .WithPromptHttpHealthCheck("/storage/v1/b")
                .WithEnvironment(Provisioning.ChoiceVariable, provisioning.Report(name, "container (fsouza/fake-gcs-server)"))
            : provisioning.AddService<Projects.Platform_GcsEmulator>(name)
                .WithHttpEndpoint()
                .WithArgs("--data", provisioning.DataFolder(name))
                .WithPromptHttpHealthCheck("/health")
                .WithEnvironment(Provisioning.ChoiceVariable, provisioning.Report(name, "project services/GcsEmulator (no container runtime)"));
        return Annotated(server.Resource, new ObjectStoreResource
        {
            Name = cloud,
            Provider = "Gcs",
            Cloud = cloud,
            Server = server,
            Settings = new Dictionary<string, object>
            {
                ["Bucket"] = Bucket,
                ["Endpoint"] = server.GetEndpoint("http"),
                ["ProjectId"] = "platform-local",
                ["CreateIfMissing"] = "true",
            },
        });
    }

    /// <summary>The azure cloud: Blob API.</summary>
    public static ObjectStoreResource AddAzureBlobStore(this Provisioning provisioning, string cloud)
    {
        if (provisioning.Publishing)
        {
            return provisioning.AddCloudStore(cloud, "AzureBlob");
        }
        const string account = "devstoreaccount1";
        var builder = provisioning.Builder;
        var name = $"{cloud}-storage";
        // Azurite takes its account keys from AZURITE_ACCOUNTS; 64 alphanumeric characters are a valid base64 key.
        var accountKey = builder.AddParameter($"{name}-account-key", new GenerateParameterDefault { MinLength = 64, Special = false }, secret: true, persist: true);
        IResourceBuilder<IResourceWithEndpoints> server;
        if (provisioning.ContainersAvailable)
        {
            server = builder.AddContainer(name, "mcr.microsoft.com/azure-storage/azurite", "latest")
                .WithArgs("azurite-blob", "--blobHost", "0.0.0.0", "--skipApiVersionCheck", "--loose", "--disableTelemetry")
                .WithHttpEndpoint(targetPort: 10000)
                .WithEnvironment(Provisioning.ChoiceVariable, provisioning.Report(name, "container (azurite)"));
        }
        else
        {
            var azurite = provisioning.Require("azurite", Path.Combine(provisioning.RepositoryRoot, "tools", "azurite", "node_modules", ".bin", "azurite-blob"),
                "(cd tools/azurite && npm ci)") ?? "azurite-blob";
            var executable = builder.AddExecutable(name, azurite, provisioning.DataFolder(name))
                .WithHttpEndpoint()
                // On its own port, not through the orchestrator's proxy (see ProjectLaunch.AddService).
                .WithAnnotation(new ProxySupportAnnotation { ProxyEnabled = false })
                .WithEnvironment(Provisioning.ChoiceVariable, provisioning.Report(name, $"executable {azurite} (no container runtime)"));
            var endpoint = executable.GetEndpoint("http");
            server = executable.WithArgs(context =>
            {
                context.Args.Add("--blobHost");
                context.Args.Add("127.0.0.1");
                context.Args.Add("--blobPort");
                context.Args.Add(endpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--location");
                context.Args.Add(provisioning.DataFolder(name));
                context.Args.Add("--skipApiVersionCheck");
                context.Args.Add("--loose");
                context.Args.Add("--disableTelemetry");
            });
        }
        var endpointUrl = server.GetEndpoint("http");
        var withAccount = (IResourceBuilder<IResourceWithEnvironment>)server;
        withAccount.WithEnvironment("AZURITE_ACCOUNTS", ReferenceExpression.Create($"{account}:{accountKey.Resource}"));
        server.WithPromptHttpHealthCheck($"/{account}?comp=list", statusCode: 403);
        return Annotated(server.Resource, new ObjectStoreResource
        {
            Name = cloud,
            Provider = "AzureBlob",
            Cloud = cloud,
            Server = server,
            Settings = new Dictionary<string, object>
            {
                ["Container"] = Bucket,
                // Azurite takes the account from the path only when the host is an IP address, so the endpoint names 127.0.0.1.
                ["ConnectionString"] = ReferenceExpression.Create(
                    $"DefaultEndpointsProtocol=http;AccountName={account};AccountKey={accountKey.Resource};BlobEndpoint=http://127.0.0.1:{endpointUrl.Property(EndpointProperty.Port)}/{account};"),
                ["CreateIfMissing"] = "true",
            },
        });
    }

    /// <summary>The embedded default: a folder, shown in the dashboard so every store is visible in one place.</summary>
    public static ObjectStoreResource AddFileSystemStore(this Provisioning provisioning, string name)
    {
        var folder = provisioning.DataFolder($"{name}-storage");
        var resource = provisioning.Builder.AddResource(new FileSystemStoreResource($"{name}-storage"))
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "FileSystemStore",
                State = KnownResourceStates.Running,
                Properties = [new ResourcePropertySnapshot("path", folder), new ResourcePropertySnapshot(Provisioning.ChoiceVariable, provisioning.Report($"{name}-storage", $"embedded file-system store in {folder}"))],
            });
        return Annotated(resource.Resource, new ObjectStoreResource
        {
            Name = name,
            Provider = "FileSystem",
            Cloud = name,
            Settings = new Dictionary<string, object> { ["Path"] = folder, ["CreateIfMissing"] = "true" },
        });
    }

    private static ObjectStoreResource Annotated(IResource resource, ObjectStoreResource store)
    {
        resource.Annotations.Add(new ObjectStoreAnnotation(store));
        return store;
    }

    private sealed class FileSystemStoreResource(string name) : Resource(name);
}
