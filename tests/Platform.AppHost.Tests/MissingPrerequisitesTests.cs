using System.Diagnostics;

namespace Platform.AppHost.Tests;

public sealed class MissingPrerequisitesTests
{
    [Fact]
    public async Task Without_a_prerequisite_the_apphost_stops_at_once_and_says_how_to_install_it()
    {
        // The AppHost as a user runs it, but with a PATH that lacks moto_server and no container runtime.
        var appHost = Path.Combine(AppContext.BaseDirectory, "Platform.AppHost.dll");
        var data = Directory.CreateTempSubdirectory("platform-missing-").FullName;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { appHost, "--Platform:ContainerRuntime=false", $"--Platform:DataPath={data}" })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["PATH"] = "/usr/bin:/bin";
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            Directory.Delete(data, recursive: true);
        }

        var printed = await output + await error;
        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("moto_server: not on PATH. Install it with: python3 -m pip install 'moto[server]==5.2.1'", printed);
        Assert.Contains("scripts/install-prerequisites.sh", printed);
    }
}
