using System.CommandLine.Help;
using System.CommandLine;

namespace Pinset.Cli;

/// <summary>Builds every command in one place and runs one command line, turning every failure into its exit code.</summary>
internal static class PinsetCli
{
    public static Command Build(CliConsole output)
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of text.", Recursive = true };
        // A plain command named 'pinset' rather than RootCommand, whose name would be the assembly's ('Pinset.Cli').
        var root = new Command("pinset", "pinset: compute, verify, check, convert and rotate TLS public-key pins.")
        {
            new HelpOption(),
            new VersionOption(),
            PinCommand.Create(output, json),
            VerifyCommand.Create(output, json),
            CheckCommand.Create(output, json),
            ConvertCommand.Create(output, json),
            BackupKeyCommand.Create(output, json),
            BundleCommand.Create(output, json),
            DemoCommand.Create(output, json),
            TunnelCommand.Create(output),
            CompletionCommand.Create(output),
            DocsCommand.Create(output),
        };
        root.Options.Add(json);
        CommandListHelp.Install(root);
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliConsole output, Interruption interruption)
    {
        if (args is [ShellCompletion.Request, var index, .. var words])
        {
            // The completion scripts' question: never an error, at worst no candidates.
            if (int.TryParse(index, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int position))
            {
                ShellCompletion.Complete(Build(output), position, words).ToList().ForEach(output.Out.WriteLine);
            }

            return ExitCodes.Success;
        }

        var parse = Build(output).Parse(args);

        // Known before anything can fail: under --json every error and warning is JSON, parse errors included.
        output.Json = parse.Errors.Count == 0 ? parse.GetValue<bool>("--json") : args.Contains("--json");
        if (parse.Errors.Count > 0)
        {
            output.Fail(ExitCodes.BadInput, string.Join(' ', parse.Errors.Select(e => ParseErrors.Humane(e.Message))) + " Run 'pinset --help' for usage.");
            return ExitCodes.BadInput;
        }

        try
        {
            // Signals are Interruption's, not System.CommandLine's (ProcessTerminationTimeout = null), so the exit code
            // tells Ctrl-C (130) from SIGTERM (143) and an interrupted command is never reported as a timeout.
            var configuration = new InvocationConfiguration { Output = output.Out, Error = output.Error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
            return await parse.InvokeAsync(configuration, interruption.Token).ConfigureAwait(false);
        }
        catch (Exception) when (interruption.ExitCode is { } interrupted)
        {
            // Whatever the cancelled work threw on its way out: quietly, as curl and git end on Ctrl-C.
            return interrupted;
        }
        catch (CliException ex)
        {
            output.Fail(ex.ExitCode, ex.Message);
            return ex.ExitCode;
        }
        catch (PinsetFormatException ex)
        {
            output.Fail(ExitCodes.BadInput, ex.Message);
            return ExitCodes.BadInput;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file or directory a command reached for that the system refused (a full disk, a read-only mount, no
            // permission): the machine's answer, said as a sentence, never a stack trace. Commands say it in their own
            // words where they can (StagedFile); this is the net beneath them.
            output.Fail(ExitCodes.BadInput, $"A file could not be read or written: {ex.Message} Check the path and its permissions.");
            return ExitCodes.BadInput;
        }
    }
}
