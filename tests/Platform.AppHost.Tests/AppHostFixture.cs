using System.Diagnostics;
using System.Text.RegularExpressions;
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
public sealed partial class AppHostFixture : IAsyncLifetime
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
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
        var crash = CrashDuringStartAsync(App, watching.Token);
        var start = App.StartAsync(timeout.Token);
        await Task.WhenAny(start, crash);
        if (crash.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException(crash.Result);
        }
        await watching.CancelAsync();
        await start;
    }

    [GeneratedRegex(@"^\S*\s+at \S")]
    private static partial Regex StackFramePattern();

    /// <summary>
    /// Completes with the story of the first resource that fails to start or exits with an error, its last console lines
    /// included: Aspire's start would otherwise wait for it (and fail) only at <see cref="StartTimeout"/>, saying nothing of why.
    /// </summary>
    private static async Task<string> CrashDuringStartAsync(DistributedApplication app, CancellationToken cancellationToken)
    {
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
        await foreach (var update in notifications.WatchAsync(cancellationToken))
        {
            var state = update.Snapshot.State?.Text;
            var failed = state == KnownResourceStates.FailedToStart
                || (state is not null && KnownResourceStates.TerminalStates.Contains(state) && update.Snapshot.ExitCode is not (null or 0));
            if (!failed)
            {
                continue;
            }
            var lines = new List<string>();
            await foreach (var batch in app.Services.GetRequiredService<ResourceLoggerService>().GetAllAsync(update.ResourceId).WithCancellation(cancellationToken))
            {
                // Without stack frames, which would push the messages out of the last lines.
                lines.AddRange(batch.Select(line => line.Content).Where(line => !StackFramePattern().IsMatch(line)));
            }
            return $"{update.Resource.Name} ended as {state} (exit code {update.Snapshot.ExitCode?.ToString() ?? "none"}) while the platform started. " +
                $"Its last console lines:{Environment.NewLine}{string.Join(Environment.NewLine, lines.TakeLast(40))}";
        }
        throw new OperationCanceledException(cancellationToken);
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
