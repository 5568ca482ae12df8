using System.Diagnostics;

namespace Pinset.TestSupport;

/// <summary>The real <c>pinset</c> command, run as its own process from the build output (Pinset.Cli.dll beside the tests), as a user runs it.</summary>
public static class PinsetProcess
{
    private static ExternalTool Dotnet => DotnetBuild.Sdk;

    private static string Entry => Path.Combine(AppContext.BaseDirectory, "Pinset.Cli.dll");

    /// <summary>
    /// <c>dotnet exec</c> with the NuGet packages folder as a probing path. A test project on the ASP.NET Core shared
    /// framework does not copy the Microsoft.Extensions assemblies the tool needs (its framework has them); the tool runs
    /// on .NET alone, as installed, so its host finds them where its deps.json names them: in the packages folder.
    /// </summary>
    private static string[] Exec => ["exec", "--additionalprobingpath", Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages ? packages : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"), Entry];

    /// <summary>Starts pinset with redirected output, for a test that signals or feeds it.</summary>
    public static Process Start(IEnumerable<string> arguments, bool redirectInput = false, string? workingDirectory = null) =>
        Dotnet.Start([.. Exec, .. arguments], workingDirectory, redirectInput);

    /// <summary>Runs pinset to its end; a run still going after two minutes is killed and fails the test (a command that hangs).</summary>
    public static Task<(int Exit, string Out, string Error)> RunAsync(params string[] arguments) => Dotnet.RunAsync([.. Exec, .. arguments], limit: TimeSpan.FromMinutes(2));
}
