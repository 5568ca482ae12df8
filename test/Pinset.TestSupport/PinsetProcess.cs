using System.Diagnostics;

namespace Pinset.TestSupport;

/// <summary>The real <c>pinset</c> command, run as its own process from the build output (Pinset.Cli.dll beside the tests), as a user runs it.</summary>
public static class PinsetProcess
{
    private static ExternalTool Dotnet => new(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", "the .NET SDK");

    private static string Entry => Path.Combine(AppContext.BaseDirectory, "Pinset.Cli.dll");

    /// <summary>Starts pinset with redirected output, for a test that signals or feeds it.</summary>
    public static Process Start(IEnumerable<string> arguments, bool redirectInput = false, string? workingDirectory = null) =>
        Dotnet.Start([Entry, .. arguments], workingDirectory, redirectInput);

    /// <summary>Runs pinset to its end.</summary>
    public static Task<(int Exit, string Out, string Error)> RunAsync(params string[] arguments) => Dotnet.RunAsync([Entry, .. arguments]);
}
