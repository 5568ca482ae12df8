using System.CommandLine;

namespace Pinset.Cli;

/// <summary><c>pinset completion bash|zsh|fish|pwsh</c>: the shell's completion script, printed to load or to save.</summary>
internal static class CompletionCommand
{
    public static Command Create(CliConsole output)
    {
        var shell = new Argument<string>("shell") { Description = "The shell: bash, zsh, fish or pwsh." };
        shell.AcceptOnlyFromAmong(CompletionScripts.Shells);
        var command = new Command("completion", "Print the completion script for a shell; its first lines say how to load it (bash: source <(pinset completion bash)).") { shell };
        command.SetAction(parse =>
        {
            output.Out.Write(CompletionScripts.For(parse.GetValue(shell)!));
            return ExitCodes.Success;
        });
        return command;
    }
}
