namespace Pinset.AttackTests;

/// <summary>The real <c>pinset</c> command, run as its own process from the build output, as a user runs it.</summary>
internal static class PinsetCommand
{
    public static async Task<string> RunAsync(params string[] arguments)
    {
        var dotnet = new ExternalTool(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", "the .NET SDK");
        var (exit, output, error) = await dotnet.RunAsync([Path.Combine(AppContext.BaseDirectory, "Pinset.Cli.dll"), .. arguments]);
        return exit == 0 ? output : throw new InvalidOperationException($"pinset {string.Join(' ', arguments)} exited {exit}: {error}{output}");
    }
}
