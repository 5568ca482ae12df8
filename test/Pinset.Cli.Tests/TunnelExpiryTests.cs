using System.Globalization;
using Microsoft.Extensions.Time.Testing;

namespace Pinset.Cli.Tests;

/// <summary>
/// What a policy's <c>expires</c> means to <c>pinset tunnel</c>: the tunnel exists only to pin, so an expired policy is
/// refused at start and on reload, and once the policy in force expires every new session is refused, said loudly. (An
/// app's pinner stops enforcing an expired policy instead; the tunnel differs on purpose, see docs/tunnel.md.)
/// </summary>
public sealed class TunnelExpiryTests : IDisposable
{
    private readonly CliFixture _fx = new();

    public void Dispose() => _fx.Dispose();

    private string Policy(DateTimeOffset expires) =>
        _fx.Policy($$"""{"hosts": ["{{TestPki.DefaultHost}}"], "pins": ["{{_fx.Pki.Intermediate.Pin}}", "{{TestPki.BackupPin}}"], "expires": "{{Instant(expires)}}"}""");

    /// <summary>A policy's expiry is written to the second: the test's clock starts on one, so "in 2 hours" is exact.</summary>
    private static DateTimeOffset WholeSeconds(DateTimeOffset instant) => new(instant.Ticks - (instant.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    private static string Instant(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private string[] To(int port, string policy) =>
        ["--listen", "127.0.0.1:0", "--to", $"{TestPki.DefaultHost}:{port}", "--policy", policy, .. _fx.Reach(port)];

    [Fact]
    public async Task ExpiredPolicyAtStart_TheRealProcessExits2WithASentence_AndListensNowhere()
    {
        await using var server = new TlsEchoServer(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        var expired = Policy(DateTimeOffset.UtcNow.AddDays(-1));
        var (exit, output, error) = await PinsetProcess.RunAsync(["tunnel", .. To(server.Port, expired)]);
        Assert.True(exit == 2, $"exit {exit}\n{output}\n{error}");
        Assert.StartsWith($"error: The policy pinning '{TestPki.DefaultHost}' in '{expired}' (pinning.policies[0] [{TestPki.DefaultHost}] enforce, expires ", error, StringComparison.Ordinal);
        Assert.Contains("An expired policy pins nothing, and the tunnel never forwards unpinned; renew it (a later 'expires', or none).", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Listening", error, StringComparison.Ordinal);
        Assert.Equal(0, server.Handshakes);

        // The same through a config file's tunnel.
        var config = _fx.File("tunnels.json");
        await File.WriteAllTextAsync(config, $$"""{"tunnels": [{"name": "fix", "listen": "127.0.0.1:0", "to": "{{TestPki.DefaultHost}}:{{server.Port}}", "policy": "{{Path.GetFileName(expired)}}", "caFile": "roots.pem", "resolve": ["{{TestPki.DefaultHost}}:{{server.Port}}:127.0.0.1"]}]}""");
        var fromConfig = await PinsetProcess.RunAsync("tunnel", "--config", config);
        Assert.True(fromConfig.Exit == 2 && fromConfig.Error.Contains("An expired policy pins nothing", StringComparison.Ordinal), fromConfig.Error);
    }

    [Fact]
    public async Task PolicyFileRewrittenAlreadyExpired_TheRealProcessKeepsTheLastGoodPolicy_AndSaysWhy()
    {
        await using var server = new TlsEchoServer(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        var policy = Policy(DateTimeOffset.UtcNow.AddYears(1));
        await using var tunnel = await TunnelProcess.StartAsync(To(server.Port, policy));

        await File.WriteAllTextAsync(policy, await File.ReadAllTextAsync(Policy(DateTimeOffset.UtcNow.AddDays(-1))));
        using (var client = await tunnel.ConnectAsync())
        {
            await TunnelTests.RoundTripAsync(client, "judged by the last good policy");
        }

        var failed = await tunnel.WaitForAsync("changed but does not load");
        Assert.Contains("the last good policy stays in force. The policy pinning 'api.exchange.test'", failed, StringComparison.Ordinal);
        Assert.Contains("An expired policy pins nothing", tunnel.Log, StringComparison.Ordinal);
        Assert.Contains("Session 1: the pin check of 'api.exchange.test' passed", tunnel.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PolicyExpiresWhileTheTunnelRuns_SaidAtThatMoment_NewSessionsRefusedUnforwarded_OpenOnesGoOn_ARenewalApplies()
    {
        var time = new FakeTimeProvider(WholeSeconds(DateTimeOffset.UtcNow));
        await using var server = new TlsEchoServer(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        var expires = time.GetUtcNow().AddHours(2);
        var policy = Policy(expires);
        await using var tunnel = await InProcessTunnel.StartAsync(time, To(server.Port, policy));
        Assert.Contains($"expires on {Instant(expires)}, in 2 hours: from then the tunnel refuses every new session. Renew it before.", await tunnel.WaitForAsync("policy pinning"), StringComparison.Ordinal);

        using var open = await tunnel.ConnectAsync();
        await TunnelTests.RoundTripAsync(open, "opened before the expiry");

        time.Advance(TimeSpan.FromHours(2));
        var expired = await tunnel.WaitForAsync("has expired");
        Assert.Contains($"error: The policy in force has expired: new sessions are refused, because the policy pinning 'api.exchange.test' in '{policy}'", expired, StringComparison.Ordinal);

        using (var late = await tunnel.ConnectAsync())
        {
            await late.SendAsync("8=FIX.4.4|35=A|554=password|\n"u8.ToArray());
            Assert.Equal(0, await TunnelProcess.ReadToEndAsync(late).WaitAsync(TimeSpan.FromSeconds(30)));
        }

        var refused = await tunnel.WaitForAsync("Session 2 refused");
        Assert.Contains($"expired on {Instant(expires)}, and the tunnel never forwards unpinned.", refused, StringComparison.Ordinal);
        Assert.Equal(1, server.Handshakes);

        // The session opened under the policy goes on: its server's keys were pinned when it opened.
        await TunnelTests.RoundTripAsync(open, "still open after the expiry");

        await File.WriteAllTextAsync(policy, await File.ReadAllTextAsync(Policy(time.GetUtcNow().AddYears(1))));
        using (var renewed = await tunnel.ConnectAsync())
        {
            await TunnelTests.RoundTripAsync(renewed, "after the renewal");
        }

        Assert.Contains("Session 3: the pin check of 'api.exchange.test' passed", await tunnel.WaitForAsync("Session 3: the pin check"), StringComparison.Ordinal);
        Assert.Equal(2, server.Handshakes);
    }

    [Fact]
    public async Task PolicyExpiringInTwoMonths_WarnedThirtyDaysBefore_ThenRefusedAtTheExpiry()
    {
        var time = new FakeTimeProvider(WholeSeconds(DateTimeOffset.UtcNow));
        await using var server = new TlsEchoServer(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        var expires = time.GetUtcNow().AddDays(60);
        await using var tunnel = await InProcessTunnel.StartAsync(time, To(server.Port, Policy(expires)));
        Assert.DoesNotContain("expires on", tunnel.Log, StringComparison.Ordinal);

        time.Advance(TimeSpan.FromDays(30));
        Assert.Contains("in 30 days: from then the tunnel refuses every new session.", await tunnel.WaitForAsync("expires on"), StringComparison.Ordinal);
        time.Advance(TimeSpan.FromDays(30));
        await tunnel.WaitForAsync("The policy in force has expired");
        using (var late = await tunnel.ConnectAsync())
        {
            Assert.Equal(0, await TunnelProcess.ReadToEndAsync(late).WaitAsync(TimeSpan.FromSeconds(30)));
        }

        await tunnel.WaitForAsync("Session 1 refused");
        Assert.Equal(0, server.Handshakes);
    }
}
