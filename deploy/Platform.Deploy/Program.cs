using System.Diagnostics;
using Platform.Deploy;

// Generates deploy/kubernetes from the AppHost: dotnet run --project deploy/Platform.Deploy [-- --manifest FILE] [--output DIR]
var root = FindRoot();
var manifestPath = Option("--manifest") ?? PublishManifest(root);
var output = Path.GetFullPath(Option("--output") ?? Path.Combine(root, "deploy", "kubernetes"));

var written = KubernetesGenerator.Write(AspireManifest.Load(manifestPath), output);
Console.WriteLine($"Wrote {written} files to {output}");
return 0;

string? Option(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

static string FindRoot()
{
    for (var folder = new DirectoryInfo(Environment.CurrentDirectory); folder is not null; folder = folder.Parent)
    {
        if (File.Exists(Path.Combine(folder.FullName, "Platform.sln")))
        {
            return folder.FullName;
        }
    }
    throw new InvalidOperationException("Run this inside the repository (no Platform.sln found above the current folder).");
}

static string PublishManifest(string root)
{
    var path = Path.Combine(Path.GetTempPath(), $"platform-aspire-manifest-{Guid.NewGuid():n}.json");
    var start = new ProcessStartInfo("dotnet", ["run", "--project", Path.Combine(root, "AppHost"), "--no-launch-profile", "--", "--publisher", "manifest", "--output-path", path])
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    };
    using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
    var log = process.StandardOutput.ReadToEndAsync();
    var errors = process.StandardError.ReadToEndAsync();
    if (!process.WaitForExit(TimeSpan.FromMinutes(5)) || process.ExitCode != 0 || !File.Exists(path))
    {
        throw new InvalidOperationException($"Publishing the AppHost's manifest failed:{Environment.NewLine}{log.Result}{errors.Result}");
    }
    return path;
}
