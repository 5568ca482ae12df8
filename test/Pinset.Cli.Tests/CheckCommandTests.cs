using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Pinset.Cli.Tests;

public sealed class CheckCommandTests : IDisposable
{
    private readonly CliFixture _fx = new();

    public void Dispose() => _fx.Dispose();

    private string Pins(params SpkiPin[] pins) => string.Join(", ", pins.Select(p => $"\"{p}\""));

    [Fact]
    public async Task Check_IntermediatePinnedWithBackup_Exit0()
    {
        await using var server = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        var policy = _fx.Policy($$"""{"hosts": ["{{TestPki.DefaultHost}}"], "pins": [{{Pins(_fx.Pki.Intermediate.Pin, TestPki.BackupPin)}}]}""");
        var run = await CliRunner.RunAsync(["check", policy, CliFixture.Target(server), .. _fx.Reach(server)]);
        Assert.True(run.Exit == 0, run.ToString());
        Assert.StartsWith($"OK  {TestPki.DefaultHost}:{server.Port}", run.Out, StringComparison.Ordinal);
        Assert.Contains("1 checked: 0 failing, 0 with rotation risks, 1 fine.", run.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("leaf-only", "    risk: Leaf only: the only pins that match are on the leaf certificate, which changes at each renewal")]
    [InlineData("no-backup", "    risk: No backup pin")]
    public async Task Check_RotationRisk_Exit5(string policyKind, string expectedRisk)
    {
        await using var server = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        var pins = policyKind == "leaf-only" ? Pins(_fx.Pki.LeafPin, TestPki.BackupPin) : Pins(_fx.Pki.Intermediate.Pin, _fx.Pki.Root.Pin);
        var policy = _fx.Policy($$"""{"hosts": ["{{TestPki.DefaultHost}}"], "pins": [{{pins}}]}""");
        var run = await CliRunner.RunAsync(["check", policy, CliFixture.Target(server), .. _fx.Reach(server)]);
        Assert.Equal(5, run.Exit);
        Assert.Contains(expectedRisk, run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_OnATerminal_TableWithVerdictAndRisk()
    {
        await using var server = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        var policy = _fx.Policy($$"""{"hosts": ["{{TestPki.DefaultHost}}"], "pins": [{{Pins(_fx.Pki.LeafPin, TestPki.BackupPin)}}]}""");
        var run = await CliRunner.RunAsync(null, true, ["check", policy, CliFixture.Target(server), .. _fx.Reach(server)]);
        Assert.Equal(5, run.Exit);
        Assert.Contains("Verdict", run.Out, StringComparison.Ordinal);
        Assert.Contains("Leaf only", run.Out, StringComparison.Ordinal);
        Assert.Contains("\u001b[", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_PolicyExpiresWithinWarnDays_Exit5()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        var expires = time.GetUtcNow().AddDays(10).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var policy = _fx.Policy($$"""{"hosts": ["{{TestPki.DefaultHost}}"], "pins": [{{Pins(_fx.Pki.Intermediate.Pin, TestPki.BackupPin)}}], "expires": "{{expires}}"}""");
        var soon = await CliRunner.RunAsync(time, ["check", policy, CliFixture.Target(server), .. _fx.Reach(server)]);
        Assert.Equal(5, soon.Exit);
        Assert.Contains("The policy expires on", soon.Out, StringComparison.Ordinal);

        var narrow = await CliRunner.RunAsync(time, ["check", policy, CliFixture.Target(server), "--warn-days", "5", .. _fx.Reach(server)]);
        Assert.True(narrow.Exit == 0, narrow.ToString());
    }

    [Fact]
    public async Task Check_InterceptedTarget_Exit1AndJson()
    {
        await using var genuine = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        await using var interceptor = LoopbackTlsServer.Start(_fx.Pki.InterceptorLeaf);
        var policy = _fx.Policy($$"""{"hosts": ["*.exchange.test"], "pins": [{{Pins(_fx.Pki.Intermediate.Pin, TestPki.BackupPin)}}]}""");
        var run = await CliRunner.RunAsync(["check", policy, $"a.exchange.test:{genuine.Port}", $"b.exchange.test:{interceptor.Port}", "--json",
            "--resolve", $"a.exchange.test:{genuine.Port}:127.0.0.1", "--resolve", $"b.exchange.test:{interceptor.Port}:127.0.0.1", "--ca-file", _fx.RootsPem]);
        Assert.Equal(1, run.Exit);
        using var json = JsonDocument.Parse(run.Out);
        var targets = json.RootElement.GetProperty("targets");
        Assert.Equal("OK", targets[0].GetProperty("verdict").GetString());
        Assert.Equal("PIN MISMATCH", targets[1].GetProperty("verdict").GetString());
        Assert.Equal(0, interceptor.Requests);
    }

    [Fact]
    public async Task Check_OnlyWildcardsAndNoTargets_Exit2()
    {
        var policy = _fx.Policy($$"""{"hosts": ["*.exchange.test"], "pins": [{{Pins(_fx.Pki.Intermediate.Pin, TestPki.BackupPin)}}]}""");
        var run = await CliRunner.RunAsync("check", policy);
        Assert.Equal(2, run.Exit);
        Assert.Contains("only wildcard host patterns", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_Report_PostsRfc7469ReportAndKeepsVerdict()
    {
        await using var collector = await ReportEndpoint.StartAsync();
        await using var interceptor = LoopbackTlsServer.Start(_fx.Pki.InterceptorLeaf);
        var policy = _fx.Policy($$"""{"hosts": ["{{TestPki.DefaultHost}}"], "pins": [{{Pins(_fx.Pki.Intermediate.Pin, TestPki.BackupPin)}}], "reportUris": ["{{collector.Url}}", "http://127.0.0.1:1/dead"]}""");
        var run = await CliRunner.RunAsync(["check", policy, CliFixture.Target(interceptor), "--report", .. _fx.Reach(interceptor)]);
        Assert.Equal(1, run.Exit);
        Assert.Contains("could not be sent to 'http://127.0.0.1:1/dead'", run.Error, StringComparison.Ordinal);
        var report = Assert.Single(collector.Reports);
        Assert.Equal("application/json; charset=utf-8", report.ContentType);
        using var json = JsonDocument.Parse(report.Body);
        var root = json.RootElement;
        Assert.Equal(TestPki.DefaultHost, root.GetProperty("hostname").GetString());
        Assert.Equal(interceptor.Port, root.GetProperty("port").GetInt32());
        Assert.Equal(TestPki.DefaultHost, root.GetProperty("noted-hostname").GetString());
        Assert.False(root.GetProperty("include-subdomains").GetBoolean());
        Assert.Equal($"pin-sha256=\"{_fx.Pki.Intermediate.Pin.ToBase64()}\"", root.GetProperty("known-pins")[0].GetString());
        var served = root.GetProperty("validated-certificate-chain")[0].GetString()!;
        using var parsed = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(served);
        Assert.Equal(_fx.Pki.InterceptorLeaf.Thumbprint, parsed.Thumbprint);
        Assert.Equal("PinMismatch", root.GetProperty("outcome").GetString());
    }

    /// <summary>
    /// An expired policy is one clients no longer enforce: the scheduled check must go red when pinning stops, never
    /// green. The real process, as a cron job runs it.
    /// </summary>
    [Fact]
    public async Task Check_PolicyExpired_FailingExit1_TheRealProcess()
    {
        await using var server = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        var policy = _fx.Policy($$"""{"hosts": ["{{TestPki.DefaultHost}}"], "pins": [{{Pins(_fx.Pki.Intermediate.Pin, TestPki.BackupPin)}}], "expires": "2026-01-01"}""");
        var run = await PinsetProcess.RunAsync(["check", policy, CliFixture.Target(server), .. _fx.Reach(server)]);
        Assert.True(run.Exit == 1, $"exit {run.Exit}\n{run.Out}\n{run.Error}");
        Assert.StartsWith($"EXPIRED POLICY  {TestPki.DefaultHost}:{server.Port}  The policy expired at 2026-01-01T00:00:00Z. Clients no longer enforce its pins: they accept any chain the platform trusts, so '{TestPki.DefaultHost}' is not pinned. Renew the policy (a later 'expires', or none) and ship it.", run.Out, StringComparison.Ordinal);
        Assert.Contains("1 checked: 1 failing, 0 with rotation risks, 0 fine.", run.Out, StringComparison.Ordinal);

        var json = await PinsetProcess.RunAsync(["check", policy, CliFixture.Target(server), "--json", .. _fx.Reach(server)]);
        Assert.Equal(1, json.Exit);
        var target = JsonDocument.Parse(json.Out).RootElement.GetProperty("targets")[0];
        Assert.True(target.GetProperty("failed").GetBoolean());
        Assert.Equal("EXPIRED POLICY", target.GetProperty("verdict").GetString());
    }
}
