using System.Reflection;

namespace Platform.AppHost.Infrastructure;

public static class ProjectLaunch
{
    private const string MetricExportIntervalMilliseconds = "5000";
    private const string CallCountThreshold = "200";

    /// <summary>
    /// The platform's .NET services, added as projects (the dashboard shows them as such, and a published manifest carries
    /// them as projects for deploy/Platform.Deploy), but run here as their built program under <c>dotnet exec</c>, not
    /// through <c>dotnet run --no-build</c>: that evaluates the project with MSBuild before starting it, about 3 CPU-seconds
    /// per service at every start, which on two cores is seconds of cold start for ten services (docs/benchmarks.md).
    /// When the built program is not where the build puts it, Aspire's own launch is kept, and it says what is missing.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddService<TProject>(this Provisioning provisioning, string name,
        Action<ProjectResourceOptions>? configure = null)
        where TProject : IProjectMetadata, new()
    {
        var project = configure is null
            ? provisioning.Builder.AddProject<TProject>(name)
            : provisioning.Builder.AddProject<TProject>(name, configure);
        if (provisioning.Publishing)
        {
            return project;
        }
        // Called on their own ports, not through the orchestrator's proxy: a proxy is one more hop for every request between
        // services (the gateway to inference, above all), and it accepts a connection before the service listens, so an early
        // health check waits for its timeout instead of failing at once and trying again.
        project.WithEndpointProxySupport(false);
        // Aspire has every service send the dashboard its metrics each second. Ten services collecting and sending every
        // instrument kept about 0.4 of this machine's two cores busy with nobody calling the platform, and slowed its start
        // by seconds (docs/benchmarks.md); every five seconds the dashboard's graphs still move while you watch.
        project.WithEnvironment("OTEL_METRIC_EXPORT_INTERVAL", MetricExportIntervalMilliseconds);
        // Dynamic PGO runs each hot method in an instrumented tier first, then compiles it again from what it saw: worth it
        // in a long-running pod (a deployment keeps it), not for ten services starting at once on two cores, where it cost
        // about 5 CPU-seconds of the start and kept twice the cores busy at rest (docs/benchmarks.md).
        project.WithEnvironment("DOTNET_TieredPGO", "0");
        // The JIT compiles a method again, optimised, once it has been called 30 times: in a start, thousands of methods
        // that run a few dozen times while the service comes up and rarely after (a fifth of the registry's CPU until it was
        // up went to it). At 200 calls those stay as first compiled, while a request path under load passes 200 in moments.
        // (Delaying the recompilation instead, DOTNET_TC_CallCountingDelayMs=2000, left the request paths unoptimised under
        // load: a third of the requests per second. docs/benchmarks.md)
        project.WithEnvironment("DOTNET_TC_CallCountThreshold", CallCountThreshold);
        var program = BuiltProgram(new TProject().ProjectPath);
        if (!File.Exists(program))
        {
            return project;
        }
        // Launch tool arguments replace the `run --project … --no-build` that Aspire puts before the program's own arguments.
#pragma warning disable ASPIREEXTENSION001 // Experimental in Aspire 13.6: the supported way to change how a resource's program is invoked.
        return project.WithLaunchToolArgs(context =>
        {
            context.Args.Add("exec");
            context.Args.Add(program);
        });
#pragma warning restore ASPIREEXTENSION001
    }

    /// <summary>The project's program as the build writes it: bin/{the AppHost's configuration, which its project references were built in}/{target framework}/{project name}.dll.</summary>
    private static string BuiltProgram(string projectPath)
    {
        var configuration = typeof(ProjectLaunch).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var framework = $"net{Environment.Version.Major}.{Environment.Version.Minor}";
        return Path.Combine(Path.GetDirectoryName(projectPath)!, "bin", configuration, framework, Path.GetFileNameWithoutExtension(projectPath) + ".dll");
    }
}
