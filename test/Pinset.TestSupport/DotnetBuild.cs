namespace Pinset.TestSupport;

/// <summary>The .NET SDK run from a test as a user's shell runs it: without the test run's own MSBuild and test-host settings.</summary>
public static class DotnetBuild
{
    /// <summary>The <c>dotnet</c> the test run itself uses (DOTNET_HOST_PATH), else the one on PATH.</summary>
    public static ExternalTool Sdk => new(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", "the .NET SDK");

    /// <summary>
    /// The arguments of <c>dotnet exec</c> for an app built beside the tests (<paramref name="entry"/>, its .dll), with the
    /// NuGet packages folder as a probing path. A test project on the ASP.NET Core shared framework does not copy the
    /// Microsoft.Extensions assemblies such an app needs (its framework has them); the app runs on .NET alone, as
    /// installed, so its host finds them where its deps.json names them: in the packages folder.
    /// </summary>
    public static string[] Exec(string entry) =>
        ["exec", "--additionalprobingpath", Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages ? packages : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"), entry];

    /// <summary>
    /// The environment changes a build started from a test needs: the test run's MSBuild, test-host and host-path
    /// settings would steer the inner build, so they are removed, and build servers are not left running.
    /// </summary>
    public static Dictionary<string, string?> CleanEnvironment()
    {
        var environment = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(name => name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase) || name == "DOTNET_HOST_PATH")
            .ToDictionary(name => name, _ => (string?)null);
        environment["MSBUILDDISABLENODEREUSE"] = "1";
        return environment;
    }

    /// <summary>Runs <c>dotnet publish PROJECT -c Release -o OUTPUT</c>; throws with the SDK's output when it fails.</summary>
    public static async Task PublishAsync(string project, string output)
    {
        var (exit, stdout, stderr) = await Sdk.RunAsync(["publish", project, "-c", "Release", "-o", output, "--nologo", "-p:UseSharedCompilation=false"], Repository.Root, CleanEnvironment()).ConfigureAwait(false);
        if (exit != 0)
        {
            throw new InvalidOperationException($"dotnet publish {project} exited {exit}:{Environment.NewLine}{stdout}{stderr}");
        }
    }
}
