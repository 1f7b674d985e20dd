using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Platform.AppHost.Tests;

/// <summary>
/// The whole AppHost, started once for the test collection under Aspire.Hosting.Testing, with its own data folder, exactly as
/// `dotnet run --project AppHost` starts it on this machine (no container runtime: executables and projects).
/// </summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    /// <summary>Names a folder to write the run's logs to, resources' consoles included (Platform.AppHost.Resources.{name}.log).</summary>
    public const string LogFolderVariable = "PLATFORM_TEST_LOGS";

    private readonly string _dataPath = Directory.CreateTempSubdirectory("platform-apphost-").FullName;

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>Runs from the moment the app starts, so tests can report how long the platform takes to come up.</summary>
    public Stopwatch SinceStart { get; } = new();

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Platform_AppHost>(
            [$"--Platform:DataPath={_dataPath}"], timeout.Token);
        // No dashboard runs under test to receive telemetry, and OTLP exporters retrying an endpoint nobody listens on would
        // hold a stopping service past the orchestrator's stop timeout: tests that stop and start services need them to stop.
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            builder.CreateResourceBuilder(project).WithEnvironment(context => context.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_ENDPOINT"));
        }
        // To see what each service said during a run: every resource's console, one file per logger category.
        if (Environment.GetEnvironmentVariable(LogFolderVariable) is { Length: > 0 } folder)
        {
            builder.Services.AddLogging(logging => logging.AddProvider(new FileLoggerProvider(folder)).SetMinimumLevel(LogLevel.Trace));
        }
        App = await builder.BuildAsync(timeout.Token);
        SinceStart.Start();
        await App.StartAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }
        Directory.Delete(_dataPath, recursive: true);
    }
}

/// <summary>Every test class that needs the running AppHost shares one: starting it is the expensive part.</summary>
[CollectionDefinition(nameof(AppHostCollection))]
public sealed class AppHostCollection : ICollectionFixture<AppHostFixture>;
