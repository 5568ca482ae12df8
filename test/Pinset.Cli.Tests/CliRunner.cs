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

    /// <summary>With <paramref name="input"/> on standard input, as <c>cat file | pinset ...</c>.</summary>
    public static async Task<Run> RunWithInputAsync(string input, params string[] args)
    {
        using var interruption = new Interruption();
        return await RunAsync(interruption, null, false, args, input: input);
    }

    /// <summary>With these environment variables and no others (HTTPS_PROXY, NO_PROXY...).</summary>
    public static async Task<Run> RunWithEnvironmentAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var interruption = new Interruption();
        return await RunAsync(interruption, null, false, args, environment: environment);
    }

    private static async Task<Run> RunAsync(Interruption interruption, FakeTimeProvider? time, bool interactive, string[] args, string? input = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var cli = new CliConsole(output, error, interactive)
        {
            Time = time ?? (TimeProvider)TimeProvider.System,

            // Never the test process's own standard input or environment: a test sees only what it gives.
            OpenStandardInput = () => new MemoryStream(System.Text.Encoding.UTF8.GetBytes(input ?? string.Empty)),
            Environment = name => environment?.GetValueOrDefault(name),
        };
        int exit = await PinsetCli.RunAsync(args, cli, interruption);
        return new Run(exit, output.ToString(), error.ToString());
    }
}
