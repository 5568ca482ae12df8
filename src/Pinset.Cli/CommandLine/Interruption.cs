using System.Runtime.InteropServices;

namespace Pinset.Cli;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM. The first cancels the running command, which then ends quietly with the exit code a
/// shell reports for the signal: 130 or 143 (128 + its number). Nothing is killed mid-write: a file is only ever
/// renamed into place whole. A second signal is left to the runtime and ends the process at once.
/// </summary>
internal sealed class Interruption : IDisposable
{
    public const int InterruptExitCode = 130;
    public const int TerminateExitCode = 143;

    private readonly CancellationTokenSource _source = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _exitCode;

    /// <summary>Cancelled when the command is interrupted.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>130 or 143 once interrupted; null before.</summary>
    public int? ExitCode => Volatile.Read(ref _exitCode) is var code and not 0 ? code : null;

    /// <summary>Listens for SIGINT and SIGTERM sent to this process.</summary>
    public static Interruption ForProcess()
    {
        var interruption = new Interruption();
        interruption.Listen(PosixSignal.SIGINT, InterruptExitCode);
        interruption.Listen(PosixSignal.SIGTERM, TerminateExitCode);
        return interruption;
    }

    /// <summary>Interrupts the command as the signal with this exit code would; only the first call counts.</summary>
    public void Interrupt(int exitCode)
    {
        if (Interlocked.CompareExchange(ref _exitCode, exitCode, 0) == 0)
        {
            _source.Cancel();
        }
    }

    public void Dispose()
    {
        _registrations.ForEach(r => r.Dispose());
        _source.Dispose();
    }

    private void Listen(PosixSignal signal, int exitCode) => _registrations.Add(PosixSignalRegistration.Create(signal, context =>
    {
        // The first signal is ours to handle; on the second the runtime's default ends the process.
        if (ExitCode is null)
        {
            context.Cancel = true;
            Interrupt(exitCode);
        }
    }));
}
