using System.Text.Json;

namespace Pinset.Cli.Tests;

/// <summary>
/// Every command that writes a file, given a path it cannot write (a directory that does not exist): exit 2 with a
/// sentence naming the directory, in text and under <c>--json</c>, never a crash with a stack trace, and no file left.
/// The real process, as a user's shell runs it.
/// </summary>
public sealed class OutputFileTests : IDisposable
{
    private readonly CliFixture _fx = new();

    public void Dispose() => _fx.Dispose();

    public static TheoryData<string, bool> Commands() => new()
    {
        { "convert {policy} --to json -o {missing}/x.json", false },
        { "convert {policy} --to json -o {missing}/x.json --json", true },
        { "convert {policy} --to android-nsc --output {missing}/x.xml", false },
        { "bundle sign {policy} --key {key} --version 1 --valid-for 7d --out {missing}/p.jws --offline", false },
        { "bundle sign {policy} --key {key} --version 1 --valid-for 7d --out {missing}/p.jws --offline --json", true },
        { "bundle keygen {missing}/signing", false },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task OutputInAMissingDirectory_Exit2WithASentence_NoStackTrace_NothingWritten(string command, bool json)
    {
        var policy = _fx.Policy($$"""{"hosts": ["{{TestPki.DefaultHost}}"], "pins": ["{{_fx.Pki.Intermediate.Pin}}", "{{TestPki.BackupPin}}"]}""");
        Assert.Equal(0, (await CliRunner.RunAsync("bundle", "keygen", _fx.File("signing"))).Exit);
        var missing = _fx.File("missing");
        var args = command.Replace("{policy}", policy, StringComparison.Ordinal).Replace("{key}", _fx.File("signing.key"), StringComparison.Ordinal).Replace("{missing}", missing, StringComparison.Ordinal).Split(' ');

        var run = await PinsetProcess.RunAsync(args);
        Assert.True(run.Exit == 2, $"exit {run.Exit}\n{run.Out}\n{run.Error}");
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
        var error = run.Error.Trim();
        Assert.DoesNotContain('\n', error);
        if (json)
        {
            var line = JsonDocument.Parse(error).RootElement;
            Assert.Equal("bad-input", line.GetProperty("code").GetString());
            error = line.GetProperty("message").GetString()!;
        }
        else
        {
            Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        }

        Assert.Contains($"'{missing}' does not exist", error, StringComparison.Ordinal);
    }
}
