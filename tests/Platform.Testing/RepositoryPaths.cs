namespace Platform.Testing;

public static class RepositoryPaths
{
    /// <summary>The repository root: the nearest folder above the test binaries that holds Platform.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration (Debug or Release) the running code was built with, read off its output folder.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Split(Path.DirectorySeparatorChar).Contains("Release") ? "Release" : "Debug";

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Platform.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("Could not find Platform.sln above " + AppContext.BaseDirectory);
    }
}
