namespace Pinset.Cli;

/// <summary>Ends a command with an exit code and a message for standard error.</summary>
internal sealed class CliException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}
