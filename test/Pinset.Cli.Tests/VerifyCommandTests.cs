using System.Text.Json;

namespace Pinset.Cli.Tests;

public sealed class VerifyCommandTests : IDisposable
{
    private readonly CliFixture _fx = new();

    public void Dispose() => _fx.Dispose();

    [Fact]
    public async Task Verify_PinInChain_Exit0()
    {
        await using var server = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        var run = await CliRunner.RunAsync(["verify", CliFixture.Target(server), "--pin", _fx.Pki.Intermediate.Pin.ToCurlString(), .. _fx.Reach(server)]);
        Assert.True(run.Exit == 0, run.ToString());
        Assert.StartsWith("PASSED", run.Out, StringComparison.Ordinal);
        Assert.Contains($"pinned  {_fx.Pki.Intermediate.Pin}", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_Interceptor_Exit1WithFailureBlock()
    {
        await using var server = LoopbackTlsServer.Start(_fx.Pki.InterceptorLeaf);
        var run = await CliRunner.RunAsync(["verify", CliFixture.Target(server), "--pin", _fx.Pki.LeafPin.ToString(), .. _fx.Reach(server)]);
        Assert.Equal(1, run.Exit);
        Assert.StartsWith("Certificate pinning failure! No given pin is in the validated chain.", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("report-only", run.Out, StringComparison.Ordinal);
        Assert.Contains($"Host: {TestPki.DefaultHost}", run.Out, StringComparison.Ordinal);
        Assert.Contains(_fx.Pki.LeafPin.ToString(), run.Out, StringComparison.Ordinal);
        Assert.Contains($"{SpkiPin.FromCertificate(_fx.Pki.InterceptorLeaf)}: {_fx.Pki.InterceptorLeaf.Subject}", run.Out, StringComparison.Ordinal);
        Assert.Contains($"{_fx.Pki.InterceptorRoot.Pin}: {_fx.Pki.InterceptorRoot.Certificate.Subject}", run.Out, StringComparison.Ordinal);
        Assert.Equal(0, server.Requests);
    }

    [Theory]
    [InlineData("API.EXCHANGE.TEST")]
    [InlineData("api.exchange.test.")]
    public async Task Verify_PolicyHostMatching_AppliesToOtherSpellings(string spelling)
    {
        var policy = _fx.Policy($$"""{"hosts": ["*.exchange.test"], "pins": ["{{_fx.Pki.Root.Pin}}", "{{TestPki.BackupPin}}"]}""");
        await using var interceptor = LoopbackTlsServer.Start(_fx.Pki.InterceptorLeaf);
        var refused = await CliRunner.RunAsync(["verify", CliFixture.Target(interceptor, spelling), "--policy", policy, .. _fx.Reach(interceptor, spelling)]);
        Assert.Equal(1, refused.Exit);
        Assert.Contains("matched by '*.exchange.test'", refused.Out, StringComparison.Ordinal);

        await using var genuine = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        var passed = await CliRunner.RunAsync(["verify", CliFixture.Target(genuine, spelling), "--policy", policy, .. _fx.Reach(genuine, spelling)]);
        Assert.True(passed.Exit == 0, passed.ToString());
    }

    [Fact]
    public async Task Verify_UntrustedChain_Exit4()
    {
        await using var server = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        var run = await CliRunner.RunAsync("verify", CliFixture.Target(server), "--pin", _fx.Pki.LeafPin.ToString(), "--resolve", $"{TestPki.DefaultHost}:{server.Port}:127.0.0.1");
        Assert.Equal(4, run.Exit);
        Assert.Contains("Certificate validation failure!", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_Json_OneDocument()
    {
        await using var server = LoopbackTlsServer.Start(_fx.Pki.InterceptorLeaf);
        var run = await CliRunner.RunAsync(["verify", CliFixture.Target(server), "--pin", _fx.Pki.LeafPin.ToString(), "--json", .. _fx.Reach(server)]);
        Assert.Equal(1, run.Exit);
        using var json = JsonDocument.Parse(run.Out);
        var target = Assert.Single(json.RootElement.GetProperty("targets").EnumerateArray());
        Assert.Equal("PinMismatch", target.GetProperty("verdict").GetString());
        Assert.False(target.GetProperty("passed").GetBoolean());
        Assert.False(json.RootElement.GetProperty("passed").GetBoolean());
    }

    [Theory]
    [InlineData("--pin", "sha256/AAAA", "Pin 'sha256/AAAA' is 3 bytes long")]
    [InlineData("--policy", "/nonexistent/policy.json", "'/nonexistent/policy.json' does not exist")]
    public async Task Verify_BadPinOrPolicy_Exit2QuotingIt(string option, string value, string expected)
    {
        var run = await CliRunner.RunAsync("verify", "api.exchange.test:443", option, value);
        Assert.Equal(2, run.Exit);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_NeitherPinNorPolicy_Exit2()
    {
        var run = await CliRunner.RunAsync("verify", "api.exchange.test:443");
        Assert.Equal(2, run.Exit);
        Assert.Contains("either --pin", run.Error, StringComparison.Ordinal);
    }

    /// <summary>An expired policy pins nothing, so there is nothing to verify: refused (exit 1), as a policy that does not cover the host is.</summary>
    [Fact]
    public async Task Verify_PolicyExpired_RefusedExit1SayingSo_TheRealProcess()
    {
        await using var server = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        var policy = _fx.Policy($$"""{"hosts": ["{{TestPki.DefaultHost}}"], "pins": ["{{_fx.Pki.Intermediate.Pin}}", "{{TestPki.BackupPin}}"], "expires": "2026-01-01"}""");
        var run = await PinsetProcess.RunAsync(["verify", CliFixture.Target(server), "--policy", policy, .. _fx.Reach(server)]);
        Assert.True(run.Exit == 1, $"exit {run.Exit}\n{run.Out}\n{run.Error}");
        Assert.StartsWith($"REFUSED: the policy in '{policy}' that matches '{TestPki.DefaultHost}' (pinning.policies[0] [{TestPki.DefaultHost}] enforce, expires 2026-01-01T00:00:00Z) has expired, so it pins nothing and nothing can be verified", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("PASSED", run.Out, StringComparison.Ordinal);

        var json = await PinsetProcess.RunAsync(["verify", CliFixture.Target(server), "--policy", policy, "--json", .. _fx.Reach(server)]);
        Assert.Equal(1, json.Exit);
        Assert.False(JsonDocument.Parse(json.Out).RootElement.GetProperty("passed").GetBoolean());
    }

    /// <summary>Two targets on one host, one refused: its block names the port, so the reader knows which one failed.</summary>
    [Fact]
    public async Task Verify_TwoTargetsOnOneHost_TheFailingBlockNamesItsPort()
    {
        await using var genuine = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        await using var interceptor = LoopbackTlsServer.Start(_fx.Pki.InterceptorLeaf);
        var run = await CliRunner.RunAsync([
            "verify", CliFixture.Target(genuine), CliFixture.Target(interceptor), "--pin", _fx.Pki.Intermediate.Pin.ToString(), "--pin", TestPki.BackupPin.ToString(),
            "--resolve", $"{TestPki.DefaultHost}:{genuine.Port}:127.0.0.1", "--resolve", $"{TestPki.DefaultHost}:{interceptor.Port}:127.0.0.1", "--ca-file", _fx.RootsPem]);
        Assert.True(run.Exit == 1, run.ToString());
        Assert.Contains($"  Host: {TestPki.DefaultHost}, port {interceptor.Port}", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain($"port {genuine.Port}\n", run.Out, StringComparison.Ordinal);
        Assert.Contains("  What to do: if 'api.exchange.test' rotated its certificate", run.Out, StringComparison.Ordinal);
    }
}
