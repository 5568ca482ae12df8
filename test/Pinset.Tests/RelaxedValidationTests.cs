using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Pinset.Tests;

/// <summary>
/// Settings that relax the platform's validation never ride along with a pin: refused when pinning is installed, refused
/// again during the handshake when they were set afterwards, and accepted only through the Dangerous option, which still
/// checks the pins. Each case uses a chain the platform itself would refuse, so a relaxation that slipped through shows.
/// </summary>
public sealed class RelaxedValidationTests : IDisposable
{
    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    public static TheoryData<string, string> Relaxations => new()
    {
        { "AllFlags", "VerificationFlags are 'AllFlags'" },
        { "IgnoreNotTimeValid", "VerificationFlags are 'IgnoreNotTimeValid'" },
        { "AllowUnknownCertificateAuthority", "VerificationFlags are 'AllowUnknownCertificateAuthority'" },
        { "VerificationTime", "VerificationTime is fixed at 2020-01-01T00:00:00Z" },
        { "CustomRootTrust", "'CustomRootTrust' with roots set by hand" },
    };

    private X509ChainPolicy Relaxed(string relaxation)
    {
        var policy = new X509ChainPolicy();
        switch (relaxation)
        {
            case "VerificationTime":
                policy.VerificationTime = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
                break;
            case "CustomRootTrust":
                policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                policy.CustomTrustStore.Add(_pki.InterceptorRoot.Certificate);
                break;
            default:
                policy.VerificationFlags = Enum.Parse<X509VerificationFlags>(relaxation);
                break;
        }

        return policy;
    }

    /// <summary>A pinner that trusts the system store only, as most apps pin.</summary>
    private CertificatePinner SystemTrustPinner(bool dangerous = false) => new(
        PinningPolicy.Create(new PinningConfiguration { Policies = [new() { Hosts = [TestPki.DefaultHost], Pins = [_pki.Intermediate.Pin.ToString(), TestPki.BackupPin.ToString()] }] }),
        new CertificatePinnerOptions { DangerousAcceptRelaxedChainPolicy = dangerous });

    [Theory]
    [MemberData(nameof(Relaxations))]
    public void SslClientAuthenticationOptions_RelaxedChainPolicy_RefusedWhenPinned(string relaxation, string named)
    {
        var options = new SslClientAuthenticationOptions { TargetHost = TestPki.DefaultHost, CertificateChainPolicy = Relaxed(relaxation) };
        var error = Assert.Throws<InvalidOperationException>(() => options.UseCertificatePinning(SystemTrustPinner()));
        Assert.Contains("SslClientAuthenticationOptions.CertificateChainPolicy relaxes the platform's validation", error.Message, StringComparison.Ordinal);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Contains("DangerousAcceptRelaxedChainPolicy", error.Message, StringComparison.Ordinal);
        Assert.Null(options.RemoteCertificateValidationCallback);
    }

    [Theory]
    [MemberData(nameof(Relaxations))]
    public void SocketsHttpHandler_RelaxedChainPolicy_RefusedWhenPinned(string relaxation, string named)
    {
        using var handler = new SocketsHttpHandler { SslOptions = { CertificateChainPolicy = Relaxed(relaxation) } };
        var error = Assert.Throws<InvalidOperationException>(() => handler.UseCertificatePinning(SystemTrustPinner()));
        Assert.Contains("SocketsHttpHandler.SslOptions.CertificateChainPolicy relaxes", error.Message, StringComparison.Ordinal);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(X509VerificationFlags.IgnoreNotTimeValid)]
    [InlineData(X509VerificationFlags.AllFlags)]
    public async Task ChainPolicyEditedAfterPinning_ExpiredLeafRefusedAtHandshake(X509VerificationFlags flags)
    {
        // The genuine chain with an expired leaf: the platform refuses it, and pins alone would accept it.
        using var expired = _pki.IssueExpiredLeaf();
        await using var server = LoopbackTlsServer.Start(expired, [expired, _pki.Intermediate.Certificate]);
        var handler = new SocketsHttpHandler().UseCertificatePinning(_pki.Pinner(_pki.Intermediate.Pin));
        handler.SslOptions.CertificateChainPolicy!.VerificationFlags = flags; // edits the policy Pinset installed
        using var client = new HttpClient(Loopback.Route(handler, server.Port));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(new Uri($"https://{TestPki.DefaultHost}:{server.Port}/")));
        var refusal = Assert.IsType<PinValidationException>(error.InnerException);
        Assert.Equal(PinValidationOutcome.PlatformValidationFailed, refusal.Result.Outcome);
        Assert.Contains($"relaxed chain policy: its VerificationFlags are '{flags}'", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task DangerousAcceptRelaxedChainPolicy_ExpiredPinnedLeafAccepted_InterceptorStillRefusedByPins()
    {
        using var expired = _pki.IssueExpiredLeaf();
        await using var genuine = LoopbackTlsServer.Start(expired, [expired, _pki.Intermediate.Certificate]);
        await using var interceptor = LoopbackTlsServer.Start(_pki.InterceptorLeaf);
        var pinner = new CertificatePinner(_pki.Pinner(_pki.Intermediate.Pin).Policy, new CertificatePinnerOptions { DangerousAcceptRelaxedChainPolicy = true });
        SocketsHttpHandler Handler(int port) => Loopback.Route(new SocketsHttpHandler
        {
            SslOptions =
            {
                CertificateChainPolicy = new X509ChainPolicy
                {
                    VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid | X509VerificationFlags.AllowUnknownCertificateAuthority,
                    RevocationMode = X509RevocationMode.NoCheck,
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { _pki.Root.Certificate, _pki.InterceptorRoot.Certificate },
                },
            },
        }.UseCertificatePinning(pinner), port);

        using (var client = new HttpClient(Handler(genuine.Port)))
        {
            Assert.Equal("hello", await client.GetStringAsync(new Uri($"https://{TestPki.DefaultHost}:{genuine.Port}/")));
        }

        using var refused = new HttpClient(Handler(interceptor.Port));
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => refused.GetStringAsync(new Uri($"https://{TestPki.DefaultHost}:{interceptor.Port}/")));
        Assert.Equal(PinValidationOutcome.PinMismatch, Assert.IsType<PinValidationException>(error.InnerException).Result.Outcome);
        Assert.Equal(0, interceptor.Requests);
    }

    [Fact]
    public void CustomTrustRoots_Empty_RefusedRatherThanSystemStore()
    {
        var policy = _pki.Pinner(_pki.Intermediate.Pin).Policy;
        var error = Assert.Throws<ArgumentException>(() => new CertificatePinner(policy, new CertificatePinnerOptions { CustomTrustRoots = [] }));
        Assert.Contains("CustomTrustRoots is an empty collection", error.Message, StringComparison.Ordinal);
        Assert.Contains("leave it null to trust the system store", error.Message, StringComparison.Ordinal);
    }
}
