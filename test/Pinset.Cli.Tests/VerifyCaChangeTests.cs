namespace Pinset.Cli.Tests;

/// <summary>verify's failure block over real TLS when the server moved to another CA operator: each CA named, what changed, the fix.</summary>
public sealed class VerifyCaChangeTests : IDisposable
{
    private const string Host = "api.exchange.example";
    private readonly PublicCaStandIns _cas = new();
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        _cas.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Verify_ServerMovedToGoogle_PolicyPinsLetsEncrypt_SaysWhatChangedAndTheFix()
    {
        using var leaf = _cas.Intermediate("WR1").IssueServer([Host]);
        await using var server = LoopbackTlsServer.Start(leaf, [_cas.Intermediate("WR1").Certificate]);
        var policy = _dir.File("policy.json");
        File.WriteAllText(policy, $$$"""{"pinning": {"policies": [{"hosts": ["{{{Host}}}"], "pins": ["{{{_cas.Intermediate("R11").Pin}}}", "{{{TestPki.BackupPin}}}"]}]}}""");
        var run = await CliRunner.RunAsync(["verify", $"{Host}:{server.Port}", "--policy", policy, "--resolve", $"{Host}:{server.Port}:127.0.0.1", "--ca-file", _cas.RootsPem, "--ca-map", _cas.MapFile]);

        Assert.True(run.Exit == 1, run.ToString());
        Assert.Contains($"    {_cas.Intermediate("WR1").Pin}: CN=WR1, O=Google Trust Services, C=US  (Google Trust Services intermediate 'WR1')\n", run.Out, StringComparison.Ordinal);
        Assert.Contains("  What changed: the server now presents Google Trust Services WR1; the policy pins Let's Encrypt (R11).\n", run.Out, StringComparison.Ordinal);
        Assert.Contains($"  Fix: if the move is expected, add the roots Google Trust Services WR1 chains to: GTS Root R1 {_cas.Root("GTS Root R1").Pin} ('pinset pin {Host} --strategy cdn' pins every CA a CDN may move to)", run.Out, StringComparison.Ordinal);
        Assert.Equal(0, server.Requests);
    }
}
