namespace Pinset.AttackTests;

/// <summary>The real <c>pinset</c> command, run as its own process from the build output, as a user runs it.</summary>
internal static class PinsetCommand
{
    public static async Task<string> RunAsync(params string[] arguments)
    {
        var (exit, output, error) = await PinsetProcess.RunAsync(arguments);
        return exit == 0 ? output : throw new InvalidOperationException($"pinset {string.Join(' ', arguments)} exited {exit}: {error}{output}");
    }
}
