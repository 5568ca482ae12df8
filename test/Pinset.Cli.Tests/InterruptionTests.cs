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
}
