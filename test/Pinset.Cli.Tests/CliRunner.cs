using Microsoft.Extensions.Time.Testing;

namespace Pinset.Cli.Tests;

/// <summary>Runs pinset in-process with captured output, as a user's shell would, but without a process.</summary>
internal static class CliRunner
{
    public sealed record Run(int Exit, string Out, string Error)
    {
        public override string ToString() => $"exit {Exit}\n--- stdout\n{Out}\n--- stderr\n{Error}";
    }

    public static async Task<Run> RunAsync(params string[] args) => await RunAsync((FakeTimeProvider?)null, args);

    public static Task<Run> RunAsync(FakeTimeProvider? time, params string[] args) => RunAsync(time, interactive: false, args);

    /// <summary>With <paramref name="interactive"/>, as on a terminal: colour, tables and progress bars.</summary>
    public static async Task<Run> RunAsync(FakeTimeProvider? time, bool interactive, params string[] args)
    {
        using var interruption = new Interruption();
        return await RunAsync(interruption, time, interactive, args);
    }

    /// <summary>With an <see cref="Interruption"/> the test signals, as Ctrl-C or SIGTERM would.</summary>
    public static async Task<Run> RunAsync(Interruption interruption, params string[] args) => await RunAsync(interruption, null, false, args);

    private static async Task<Run> RunAsync(Interruption interruption, FakeTimeProvider? time, bool interactive, string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var cli = new CliOutput(output, error, interactive) { Time = time ?? (TimeProvider)TimeProvider.System };
        int exit = await PinsetCli.RunAsync(args, cli, interruption);
        return new Run(exit, output.ToString(), error.ToString());
    }
}
