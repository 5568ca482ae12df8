using Spectre.Console;

namespace Pinset.Cli;

/// <summary>
/// What a command reads and writes outside its arguments: results to <see cref="Out"/>, errors and progress to
/// <see cref="Error"/>, standard input for <c>-</c>, the environment (<c>HTTPS_PROXY</c>...) and the clock. Colour and
/// progress bars only on a real terminal, never when output is redirected or <c>NO_COLOR</c> is set. Injected, so
/// every command runs in-process in the tests.
/// </summary>
internal sealed class CliConsole
{
    public CliConsole(TextWriter output, TextWriter error, bool interactive)
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

    /// <summary>Files named on the command line, and standard input for <c>-</c>, read once each.</summary>
    public InputFile Files => field ??= new InputFile(this);

    public TextWriter Error { get; }

    /// <summary>True on a terminal with colour allowed: progress bars and colour are shown.</summary>
    public bool Interactive { get; }

    public IAnsiConsole Console { get; }

    public IAnsiConsole ErrorConsole { get; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Opens standard input, read for a file named <c>-</c>.</summary>
    public Func<Stream> OpenStandardInput { get; init; } = System.Console.OpenStandardInput;

    /// <summary>Reads an environment variable (<c>HTTPS_PROXY</c>, <c>NO_PROXY</c>).</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    public static CliConsole ForConsole()
    {
        bool colour = string.IsNullOrEmpty(System.Environment.GetEnvironmentVariable("NO_COLOR"));
        bool terminal = !System.Console.IsOutputRedirected && !System.Console.IsErrorRedirected;
        return new CliConsole(System.Console.Out, System.Console.Error, colour && terminal);
    }

    /// <summary>
    /// True under <c>--json</c>: then errors and warnings are JSON too, one object per line on standard error
    /// (<c>{"type":"error","code":"bad-input","exitCode":2,"message":"..."}</c>), and no progress bar is drawn.
    /// </summary>
    public bool Json { get; set; }

    public void Warn(string message)
    {
        if (Json)
        {
            Error.WriteLine(JsonDocumentWriter.WriteLine(w =>
            {
                w.WriteString("type", "warning");
                w.WriteString("code", "warning");
                w.WriteString("message", message);
            }));
        }
        else
        {
            Error.WriteLine($"warning: {message}");
        }
    }

    /// <summary>Reports the error that ends the command with <paramref name="exitCode"/>.</summary>
    public void Fail(int exitCode, string message)
    {
        if (Json)
        {
            Error.WriteLine(JsonDocumentWriter.WriteLine(w =>
            {
                w.WriteString("type", "error");
                w.WriteString("code", ExitCodes.Name(exitCode));
                w.WriteNumber("exitCode", exitCode);
                w.WriteString("message", message);
            }));
        }
        else
        {
            Error.WriteLine($"error: {message}");
        }
    }

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
