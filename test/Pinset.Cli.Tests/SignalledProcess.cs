using System.Diagnostics;
using System.Globalization;

namespace Pinset.Cli.Tests;

/// <summary>
/// A real pinset process, held at its handshake by a <see cref="SilentServer"/>, sent a signal as a shell's Ctrl-C
/// (<c>INT</c>) or <c>kill</c> (<c>TERM</c>) sends it.
/// </summary>
internal static class SignalledProcess
{
    /// <summary>Starts <c>pin</c> against a silent server with <paramref name="start"/>, signals it once connected, and waits for its end.</summary>
    public static async Task<CliRunner.Run> RunAsync(Func<string[], Process> start, string signal)
    {
        using var silent = new SilentServer();
        using var pinset = start(["pin", $"{TestPki.DefaultHost}:{silent.Port}", "--resolve", $"{TestPki.DefaultHost}:{silent.Port}:127.0.0.1", "--timeout", "600"]);
        var output = pinset.StandardOutput.ReadToEndAsync();
        var error = pinset.StandardError.ReadToEndAsync();
        await silent.Accepted;
        using (var kill = Process.Start("kill", ["-s", signal, pinset.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await pinset.WaitForExitAsync();
        return new CliRunner.Run(pinset.ExitCode, await output, await error);
    }
}
