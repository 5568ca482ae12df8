using Spectre.Console;

namespace Pinset.Cli;

/// <summary>
/// Where a command writes: results to <see cref="Out"/>, errors and progress to <see cref="Error"/>. Colour and progress
/// bars only on a real terminal, never when output is redirected or <c>NO_COLOR</c> is set. Injected, so every
/// command runs in-process in the tests.
/// </summary>
internal sealed class CliOutput
{
    public CliOutput(TextWriter output, TextWriter error, bool interactive)
    {
        Out = output;
        Error = error;
        Interactive = interactive;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        ErrorConsole = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(error),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    /// <summary>True on a terminal with colour allowed: progress bars and colour are shown.</summary>
    public bool Interactive { get; }

    public IAnsiConsole Console { get; }

    public IAnsiConsole ErrorConsole { get; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public static CliOutput ForConsole()
    {
        bool colour = string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        bool terminal = !System.Console.IsOutputRedirected && !System.Console.IsErrorRedirected;
        return new CliOutput(System.Console.Out, System.Console.Error, colour && terminal);
    }

    public void Warn(string message) => Error.WriteLine($"warning: {message}");

    /// <summary>A result line: with colour on a terminal, plain (and never wrapped) otherwise, so scripts can read it.</summary>
    public void Line(string markup, string plain)
    {
        if (Interactive)
        {
            Console.MarkupLine(markup);
        }
        else
        {
            Out.WriteLine(plain);
        }
    }
}
