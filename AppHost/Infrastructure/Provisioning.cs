using System.Diagnostics;

namespace Platform.AppHost.Infrastructure;

/// <summary>
/// Decides, once and before the app model is built, how each piece of infrastructure is provided: an explicit connection
/// string, else a container where a container runtime answers, else a locally installed program, else an embedded default.
/// Every choice is printed at start and attached to the resource (<see cref="ChoiceVariable"/>), so the dashboard shows it.
/// </summary>
public sealed class Provisioning
{
    /// <summary>The environment variable on each infrastructure resource that says how it was provided.</summary>
    public const string ChoiceVariable = "PLATFORM_PROVIDED_BY";

    private readonly List<string> _missing = [];

    public Provisioning(IDistributedApplicationBuilder builder)
    {
        Builder = builder;
        var forced = builder.Configuration["Platform:ContainerRuntime"];
        ContainersAvailable = forced is null ? ContainerRuntimeAnswers() : bool.Parse(forced);
        DataRoot = Path.GetFullPath(builder.Configuration["Platform:DataPath"] ?? Path.Combine(builder.AppHostDirectory, ".local"));
        RepositoryRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
        Directory.CreateDirectory(DataRoot);
    }

    public IDistributedApplicationBuilder Builder { get; }

    /// <summary>
    /// Publishing a deployment manifest rather than running here: infrastructure is the clouds' own (stores by workload identity,
    /// RabbitMQ and PostgreSQL by connection string), nothing local is started or required.
    /// </summary>
    public bool Publishing => Builder.ExecutionContext.IsPublishMode;

    /// <summary>Whether `docker info` answered (or Platform:ContainerRuntime says so).</summary>
    public bool ContainersAvailable { get; }

    /// <summary>Where local infrastructure keeps its data: Platform:DataPath, else AppHost/.local.</summary>
    public string DataRoot { get; }

    public string RepositoryRoot { get; }

    public string DataFolder(string name)
    {
        var folder = Path.Combine(DataRoot, name);
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Prints the choice made for <paramref name="resource"/> and returns it for the resource's environment.</summary>
    public string Report(string resource, string choice)
    {
        Console.WriteLine($"[platform] {resource}: {choice}");
        return choice;
    }

    /// <summary>Records a missing program with the command that installs it; <see cref="ThrowIfAnythingMissing"/> stops the AppHost.</summary>
    public string? Require(string program, string candidatePath, string installCommand)
    {
        if (File.Exists(candidatePath))
        {
            return candidatePath;
        }
        _missing.Add($"  - {program}: not found at {candidatePath}. Install it with: {installCommand}");
        return null;
    }

    /// <summary>Finds a program on PATH, or records it as missing.</summary>
    public string? RequireOnPath(string program, string installCommand)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
        if (found is null)
        {
            _missing.Add($"  - {program}: not on PATH. Install it with: {installCommand}");
        }
        return found;
    }

    public void ThrowIfAnythingMissing()
    {
        if (_missing.Count > 0)
        {
            throw new DistributedApplicationException(
                "The platform cannot start: local prerequisites are missing and no container runtime answers." + Environment.NewLine +
                string.Join(Environment.NewLine, _missing) + Environment.NewLine +
                "Or install everything at once: scripts/install-prerequisites.sh");
        }
    }

    private static bool ContainerRuntimeAnswers()
    {
        try
        {
            using var docker = Process.Start(new ProcessStartInfo("docker", "info")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (docker is null)
            {
                return false;
            }
            if (!docker.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                docker.Kill();
                return false;
            }
            return docker.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
