using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pinset.Cli.Tests;

/// <summary>
/// Text a peer controls, written to a log or a terminal, cannot forge a line or drive the terminal: an interceptor whose
/// certificate's subject carries a line break, a forged "passed; forwarding" line and terminal escape sequences is
/// refused, and every output shows its subject on one line with those characters escaped (<c>\u000A</c>, <c>\u001B</c>).
/// </summary>
public sealed class PeerTextTests : IDisposable
{
    /// <summary>A log line the tunnel writes when a session may go on, after a line break, then a terminal's clear-screen and a right-to-left override.</summary>
    private const string Forged = "evil\n2026-12-03T08:00:05.352Z Session 1: the pin check of 'api.exchange.test' passed (policy pattern 'api.exchange.test', Tls13); forwarding.\u001b[2J\u202E";

    private readonly CliFixture _fx = new();
    private readonly X509Certificate2 _evil;

    public PeerTextTests() => _evil = IssueWithCommonName(_fx.Pki.InterceptorRoot, Forged);

    public void Dispose()
    {
        _evil.Dispose();
        _fx.Dispose();
    }

    /// <summary>A server certificate for the test host whose common name is <paramref name="commonName"/>, character for character.</summary>
    private static X509Certificate2 IssueWithCommonName(TestCertificateAuthority issuer, string commonName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var name = new X500DistinguishedNameBuilder();
        name.AddCommonName(commonName);
        var request = new CertificateRequest(name.Build(), key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(TestPki.DefaultHost);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        using var issued = request.Create(issuer.Certificate, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), [1, 2, 3, 4]);
        return ECDsaCertificateExtensions.CopyWithPrivateKey(issued, key);
    }

    private string Policy() =>
        _fx.Policy($$"""{"hosts": ["{{TestPki.DefaultHost}}"], "pins": ["{{_fx.Pki.Intermediate.Pin}}", "{{TestPki.BackupPin}}"]}""");

    private static void AssertNoPeerControl(string output, bool subjectShown = true)
    {
        Assert.DoesNotContain('\u001b', output);
        Assert.DoesNotContain('\u202E', output);
        Assert.DoesNotContain("\n2026-12-03T08:00:05.352Z Session 1", output, StringComparison.Ordinal);
        Assert.True(!subjectShown || output.Contains("evil\\u000A2026-12-03T08:00:05.352Z Session 1: the pin check of 'api.exchange.test' passed (policy pattern 'api.exchange.test', Tls13); forwarding.\\u001B[2J\\u202E", StringComparison.Ordinal), output);
    }

    [Fact]
    public async Task Tunnel_RefusedInterceptorsSubject_OneEscapedLineInTheLog()
    {
        await using var server = LoopbackTlsServer.Start(_evil, [_fx.Pki.InterceptorRoot.Certificate]);
        await using var tunnel = await TunnelProcess.StartAsync(["--listen", "127.0.0.1:0", "--to", $"{TestPki.DefaultHost}:{server.Port}", "--policy", Policy(), .. _fx.Reach(server)]);
        using (var client = await tunnel.ConnectAsync())
        {
            Assert.Equal(0, await TunnelProcess.ReadToEndAsync(client).WaitAsync(TimeSpan.FromSeconds(30)));
        }

        await tunnel.WaitForAsync("Session 1 closed without forwarding");
        AssertNoPeerControl(tunnel.Log);
        Assert.DoesNotContain(tunnel.Log.Split('\n'), line => line.EndsWith("forwarding.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("verify")]
    [InlineData("pin")]
    [InlineData("check")]
    public async Task Commands_PeerSubject_PrintedEscaped(string command)
    {
        await using var server = LoopbackTlsServer.Start(_evil, [_fx.Pki.InterceptorRoot.Certificate]);
        string[] args = command switch
        {
            "verify" => ["verify", CliFixture.Target(server), "--policy", Policy()],
            "pin" => ["pin", CliFixture.Target(server)],
            _ => ["check", Policy(), CliFixture.Target(server), "--warn-days", "36500"],
        };
        var run = await PinsetProcess.RunAsync([.. args, .. _fx.Reach(server)]);
        AssertNoPeerControl(run.Out + run.Error, subjectShown: command != "check");
    }
}
