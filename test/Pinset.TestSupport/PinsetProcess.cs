using System.Diagnostics;

namespace Pinset.TestSupport;

/// <summary>The real <c>pinset</c> command, run as its own process from the build output (Pinset.Cli.dll beside the tests), as a user runs it.</summary>
public static class PinsetProcess
{
    private static ExternalTool Dotnet => DotnetBuild.Sdk;

    private static string Entry => Path.Combine(AppContext.BaseDirectory, "Pinset.Cli.dll");

    private static string[] Exec => DotnetBuild.Exec(Entry);

    /// <summary>Starts pinset with redirected output, for a test that signals or feeds it.</summary>
    public static Process Start(IEnumerable<string> arguments, bool redirectInput = false, string? workingDirectory = null) =>
        Dotnet.Start([.. Exec, .. arguments], workingDirectory, redirectInput);

    /// <summary>Runs pinset to its end; a run still going after two minutes is killed and fails the test (a command that hangs).</summary>
    public static Task<(int Exit, string Out, string Error)> RunAsync(params string[] arguments) => Dotnet.RunAsync([.. Exec, .. arguments], limit: TimeSpan.FromMinutes(2));
}
