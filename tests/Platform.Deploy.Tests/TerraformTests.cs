using System.Diagnostics;
using System.Text.RegularExpressions;
using Platform.Testing;

namespace Platform.Deploy.Tests;

/// <summary>The Terraform modules: formatted, and every variable and output documented. (No provider downloads here, so no validate.)</summary>
public sealed partial class TerraformTests
{
    private static readonly string Root = Path.Combine(RepositoryPaths.Root, "deploy", "terraform");

    [Fact]
    public async Task Every_module_is_formatted()
    {
        var start = new ProcessStartInfo("terraform", ["fmt", "-recursive", "-check", Root]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.True(process.ExitCode == 0, $"terraform fmt -check found unformatted files: {output}");
    }

    [Theory]
    [InlineData("aws")]
    [InlineData("gcp")]
    [InlineData("azure")]
    public void Every_variable_and_output_is_documented_in_the_modules_readme(string module)
    {
        var folder = Path.Combine(Root, module);
        var code = string.Concat(Directory.EnumerateFiles(folder, "*.tf").Select(File.ReadAllText));
        var readme = File.ReadAllText(Path.Combine(folder, "README.md"));

        var declared = Declaration().Matches(code).Select(match => match.Groups["name"].Value).ToList();
        Assert.NotEmpty(declared);
        Assert.All(declared, name => Assert.Contains($"`{name}`", readme));
    }

    [GeneratedRegex("^(variable|output) \"(?<name>[A-Za-z0-9_]+)\"", RegexOptions.Multiline)]
    private static partial Regex Declaration();
}
