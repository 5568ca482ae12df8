namespace Pinset.Cli.Tests;

/// <summary>
/// Ctrl-C and SIGTERM end a command quietly with 130 and 143, never as a timeout, and leave no file half-written. A
/// server that accepts the connection and never answers holds the command at its handshake until the signal.
/// </summary>
public sealed class InterruptionTests : IDisposable
{
    private readonly CliFixture _fx = new();

    public void Dispose() => _fx.Dispose();

    [Theory]
    [InlineData("pin", Interruption.InterruptExitCode)]
    [InlineData("verify", Interruption.TerminateExitCode)]
    [InlineData("check", Interruption.InterruptExitCode)]
    public async Task Command_InterruptedDuringTheHandshake_EndsQuietlyWithTheSignalsExitCode(string command, int exitCode)
    {
        using var silent = new SilentServer();
        using var interruption = new Interruption();
        string target = $"{TestPki.DefaultHost}:{silent.Port}";
        string[] args = command switch
        {
            "pin" => ["pin", target],
            "verify" => ["verify", target, "--pin", TestPki.BackupPin.ToString()],
            _ => ["check", _fx.Policy($$"""{"hosts": ["{{TestPki.DefaultHost}}"], "pins": ["{{TestPki.BackupPin}}", "{{_fx.Pki.Intermediate.Pin}}"]}"""), target],
        };
        var run = CliRunner.RunAsync(interruption, [.. args, "--resolve", $"{TestPki.DefaultHost}:{silent.Port}:127.0.0.1", "--timeout", "600"]);
        await silent.Accepted;
        interruption.Interrupt(exitCode);
        var result = await run;
        Assert.True(result.Exit == exitCode, result.ToString());
        Assert.Equal(string.Empty, result.Out);
        Assert.Equal(string.Empty, result.Error);
    }

    [Fact]
    public async Task BackupKey_Interrupted_LeavesNoFile()
    {
        using var interruption = new Interruption();
        interruption.Interrupt(Interruption.TerminateExitCode);
        var dir = Path.Combine(_fx.Directory, "keys");
        var run = await CliRunner.RunAsync(interruption, "backup-key", "--out", dir, "--subject", "CN=api.exchange.test");
        Assert.True(run.Exit == Interruption.TerminateExitCode, run.ToString());
        Assert.Empty(Directory.Exists(dir) ? Directory.GetFileSystemEntries(dir) : []);
    }

    [Fact]
    public async Task ConvertOutput_WrittenWholeAndInterruptedLeavesTheOldFile()
    {
        var policy = _fx.Policy($$"""{"hosts": ["api.exchange.test"], "pins": ["{{TestPki.BackupPin}}", "{{_fx.Pki.Intermediate.Pin}}"]}""");
        var target = _fx.File("pins.curl");
        File.WriteAllText(target, "old");
        using (var interruption = new Interruption())
        {
            interruption.Interrupt(Interruption.InterruptExitCode);
            var interrupted = await CliRunner.RunAsync(interruption, "convert", policy, "--to", "okhttp", "--output", target);
            Assert.True(interrupted.Exit == Interruption.InterruptExitCode, interrupted.ToString());
            Assert.Equal("old", File.ReadAllText(target));
        }

        var run = await CliRunner.RunAsync("convert", policy, "--to", "okhttp", "-o", target);
        Assert.True(run.Exit == 0, run.ToString());
        Assert.Equal(string.Empty, run.Out);
        Assert.Contains($"\"{TestPki.BackupPin}\"", File.ReadAllText(target), StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Error);
        Assert.Equal([target], Directory.GetFiles(_fx.Directory, "*pins.curl*"));
    }

    [Theory]
    [InlineData("INT", Interruption.InterruptExitCode)]
    [InlineData("TERM", Interruption.TerminateExitCode)]
    public async Task RealProcess_SignalledDuringTheHandshake_ExitsWithTheSignalsCodeAndSaysNothing(string signal, int exitCode)
    {
        Assert.Equal(new CliRunner.Run(exitCode, string.Empty, string.Empty), await SignalledProcess.RunAsync(arguments => PinsetProcess.Start(arguments), signal));
    }

    /// <summary>
    /// A command waiting on standard input that never comes (a terminal, a pipe whose writer is slow) or on a FIFO nobody
    /// writes to ends at the signal as every other command does, and leaves no file. The real process: the signal is sent
    /// once it is known to wait (a thread of it in read() on standard input; the FIFO opened by it).
    /// </summary>
    [Theory]
    [InlineData("convert - --from android-nsc --to json -o {out}", "INT", Interruption.InterruptExitCode)]
    [InlineData("convert - --from android-nsc --to json -o {out}", "TERM", Interruption.TerminateExitCode)]
    [InlineData("pin -", "INT", Interruption.InterruptExitCode)]
    [InlineData("check - api.exchange.test:443", "TERM", Interruption.TerminateExitCode)]
    [InlineData("convert {fifo} --to json -o {out}", "INT", Interruption.InterruptExitCode)]
    [InlineData("pin {fifo}", "TERM", Interruption.TerminateExitCode)]
    public async Task RealProcess_SignalledWhileWaitingForInput_ExitsWithTheSignalsCode_LeavingNoFile(string command, string signal, int exitCode)
    {
        var fifo = _fx.File("input.fifo");
        var output = _fx.File("out.json");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync();
        }

        var args = command.Replace("{out}", output, StringComparison.Ordinal).Replace("{fifo}", fifo, StringComparison.Ordinal).Split(' ');
        using var pinset = PinsetProcess.Start(args, redirectInput: true);
        var stdout = pinset.StandardOutput.ReadToEndAsync();
        var stderr = pinset.StandardError.ReadToEndAsync();
        FileStream? writer = null;
        try
        {
            if (command.Contains("{fifo}", StringComparison.Ordinal))
            {
                // Opening a FIFO for writing returns once its reader has opened it: pinset is then inside the command.
                writer = await Task.Run(() => new FileStream(fifo, FileMode.Open, FileAccess.Write)).WaitAsync(TimeSpan.FromSeconds(60));
            }
            else
            {
                await ProcessState.WaitUntilReadingAsync(pinset.Id, fileDescriptor: 0);
            }

            using (var kill = System.Diagnostics.Process.Start("kill", ["-s", signal, pinset.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            await pinset.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            if (!pinset.HasExited)
            {
                pinset.Kill(entireProcessTree: true);
            }

            writer?.Dispose();
        }

        Assert.True(pinset.ExitCode == exitCode, $"exit {pinset.ExitCode}\n{await stdout}\n{await stderr}");
        Assert.Equal(string.Empty, await stderr);
        Assert.Equal(string.Empty, await stdout);
        Assert.Empty(Directory.GetFiles(_fx.Directory, "*out.json*"));
    }
}
