using System.Security.Authentication;
using Microsoft.Extensions.Time.Testing;

namespace Pinset.Tests;

/// <summary>Every verdict of the engine, each over a real TLS handshake on loopback.</summary>
public sealed class CertificatePinnerTests : IDisposable
{
    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    private LoopbackTlsServer Genuine() => LoopbackTlsServer.Start(_pki.Leaf, _pki.GenuineChain());

    private LoopbackTlsServer Interceptor() => LoopbackTlsServer.Start(_pki.InterceptorLeaf);

    [Theory]
    [InlineData("leaf")]
    [InlineData("intermediate")]
    [InlineData("root")]
    public async Task Validate_PinOnAnyChainCertificate_Allows(string pinned)
    {
        var pin = pinned switch
        {
            "leaf" => _pki.LeafPin,
            "intermediate" => _pki.Intermediate.Pin,
            _ => _pki.Root.Pin,
        };
        await using var server = Genuine();
        var outcome = await TlsClient.ConnectAsync(server, _pki.Pinner(pin));
        Assert.True(outcome.Completed, outcome.Error?.ToString());
        Assert.Equal(PinValidationOutcome.PinMatched, outcome.Result!.Outcome);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task Validate_CertificateFingerprintOfLeaf_Allows()
    {
        await using var server = Genuine();
        var pinner = _pki.Pinner(new HostPolicyConfiguration
        {
            Hosts = [TestPki.DefaultHost],
            Certificates = [CertificateFingerprint.FromCertificate(_pki.Leaf).ToString()],
            Pins = [TestPki.BackupPin.ToString()],
        });
        var outcome = await TlsClient.ConnectAsync(server, pinner);
        Assert.True(outcome.Completed, outcome.Error?.ToString());
    }

    [Fact]
    public async Task Validate_OnlyUnrelatedPins_RefusesWithFailureBlock()
    {
        await using var server = Genuine();
        var outcome = await TlsClient.ConnectAsync(server, _pki.Pinner(_pki.InterceptorRoot.Pin));
        var error = Assert.IsType<PinValidationException>(outcome.Error);
        Assert.Equal(PinValidationOutcome.PinMismatch, error.Result.Outcome);
        Assert.Equal(0, server.Requests);
        Assert.Equal(3, error.Result.ValidatedChain.Count);
        Assert.Equal(_pki.LeafPin, error.Result.ValidatedChain[0].Pin);
        Assert.Equal(_pki.Root.Pin, error.Result.ValidatedChain[2].Pin);
        var lines = error.Message.Split('\n').Select(l => l.Trim()).ToList();
        Assert.StartsWith("Certificate pinning failure!", lines[0], StringComparison.Ordinal);
        Assert.Contains($"{_pki.LeafPin}: {_pki.Leaf.Subject}", lines);
        Assert.Contains($"{_pki.Intermediate.Pin}: {_pki.Intermediate.Certificate.Subject}", lines);
        Assert.Contains(_pki.InterceptorRoot.Pin.ToString(), lines);
        Assert.Contains(TestPki.BackupPin.ToString(), lines);
        Assert.Equal($"What to do: if '{TestPki.DefaultHost}' rotated its certificate, check what it presents from a network you trust ('pinset pin {TestPki.DefaultHost}') and add the new key's pin, or ship a signed pin bundle; if it did not change, this connection is being intercepted: do not pin what it presents.", lines[^1]);
    }

    [Fact]
    public async Task Validate_InterceptorTrustedByClient_RefusedBeforeAnyRequest()
    {
        await using var server = Interceptor();
        var outcome = await TlsClient.ConnectAsync(server, _pki.Pinner(_pki.LeafPin, _pki.Root.Pin));
        var error = Assert.IsType<PinValidationException>(outcome.Error);
        Assert.IsAssignableFrom<AuthenticationException>(error);
        Assert.Equal(PinValidationOutcome.PinMismatch, error.Result.Outcome);
        Assert.Equal(0, server.Requests);
        Assert.Contains(TestPki.DefaultHost, error.Message, StringComparison.Ordinal);
        Assert.Contains(SpkiPin.FromCertificate(_pki.InterceptorLeaf).ToString(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_GenuineCertificatesStuffedIntoAttackerChain_Refused()
    {
        // CVE-2016-2402: the interceptor sends the genuine leaf and intermediate after its own leaf (openssl s_server
        // sends exactly that). They are served, but not on the path the platform validated, so they must not satisfy the pins.
        await using var server = await OpenSslTlsServer.StartAsync(_pki.InterceptorLeaf, [_pki.Leaf, _pki.Intermediate.Certificate]);
        var outcome = await TlsClient.ConnectAsync(server.ConnectAsync, _pki.Pinner(_pki.LeafPin, _pki.Intermediate.Pin));
        var error = Assert.IsType<PinValidationException>(outcome.Error);
        Assert.Equal(PinValidationOutcome.PinMismatch, error.Result.Outcome);
        Assert.False(server.ReceivedRequest);
        Assert.Contains(error.Result.ServedChain, c => c.Pin == _pki.LeafPin);
        Assert.Contains(error.Result.ServedChain, c => c.Pin == _pki.Intermediate.Pin);
        Assert.DoesNotContain(error.Result.ValidatedChain, c => c.Pin == _pki.LeafPin || c.Pin == _pki.Intermediate.Pin);
        Assert.Contains("Served by the server, in order:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_StuffedChainToGenuinePins_ControlPasses()
    {
        // The control for the test above: the same server and client, with the pin the attacker's path does carry.
        await using var server = await OpenSslTlsServer.StartAsync(_pki.InterceptorLeaf, [_pki.Leaf, _pki.Intermediate.Certificate]);
        var outcome = await TlsClient.ConnectAsync(server.ConnectAsync, _pki.Pinner(_pki.InterceptorRoot.Pin));
        Assert.True(outcome.Completed, outcome.Error?.ToString());
        await server.WaitForRequestAsync(TimeSpan.FromSeconds(10));
        Assert.True(server.ReceivedRequest);
    }

    [Fact]
    public async Task Validate_ExpiredLeafWithMatchingPin_PlatformFailure()
    {
        using var expired = _pki.IssueExpiredLeaf();
        await using var server = LoopbackTlsServer.Start(expired, [expired, _pki.Intermediate.Certificate]);
        var outcome = await TlsClient.ConnectAsync(server, _pki.Pinner(SpkiPin.FromCertificate(expired), _pki.Root.Pin));
        var error = Assert.IsType<PinValidationException>(outcome.Error);
        Assert.Equal(PinValidationOutcome.PlatformValidationFailed, error.Result.Outcome);
        Assert.Contains("NotTimeValid", error.Result.Detail, StringComparison.Ordinal);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task Validate_WrongHostWithMatchingPin_PlatformFailure()
    {
        using var other = _pki.IssueWrongHostLeaf("other.example.test");
        await using var server = LoopbackTlsServer.Start(other, [other, _pki.Intermediate.Certificate]);
        var outcome = await TlsClient.ConnectAsync(server, _pki.Pinner(SpkiPin.FromCertificate(other), _pki.Root.Pin));
        var error = Assert.IsType<PinValidationException>(outcome.Error);
        Assert.Equal(PinValidationOutcome.PlatformValidationFailed, error.Result.Outcome);
        Assert.Contains("not for this host name", error.Result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_MissingIntermediateWithMatchingPin_PlatformFailure()
    {
        await using var server = LoopbackTlsServer.Start(_pki.Leaf, [_pki.Leaf]);
        var outcome = await TlsClient.ConnectAsync(server, _pki.Pinner(_pki.LeafPin));
        var error = Assert.IsType<PinValidationException>(outcome.Error);
        Assert.Equal(PinValidationOutcome.PlatformValidationFailed, error.Result.Outcome);
        Assert.Contains("PartialChain", error.Result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_SelfSignedPinnedLeafAsExplicitAnchor_Allows()
    {
        using var selfSigned = SelfSignedServer(TestPki.DefaultHost);
        var pin = SpkiPin.FromCertificate(selfSigned);
        var policy = PinningPolicy.Create(new() { Policies = [new() { Hosts = [TestPki.DefaultHost], Pins = [pin.ToString(), TestPki.BackupPin.ToString()] }] });
        await using var server = LoopbackTlsServer.Start(selfSigned);

        var systemTrust = await TlsClient.ConnectAsync(server, new CertificatePinner(policy));
        Assert.Equal(PinValidationOutcome.PlatformValidationFailed, Assert.IsType<PinValidationException>(systemTrust.Error).Result.Outcome);

        using var anchor = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(selfSigned.RawData);
        var anchored = await TlsClient.ConnectAsync(server, new CertificatePinner(policy, new() { CustomTrustRoots = [anchor] }));
        Assert.True(anchored.Completed, anchored.Error?.ToString());
        Assert.Equal(PinValidationOutcome.PinMatched, anchored.Result!.Outcome);
    }

    [Fact]
    public async Task Validate_ReportOnlyMismatch_AllowsAndFlags()
    {
        await using var server = Interceptor();
        var pinner = _pki.Pinner(new HostPolicyConfiguration { Hosts = [TestPki.DefaultHost], Pins = [_pki.LeafPin.ToString()], Mode = "report-only" });
        var outcome = await TlsClient.ConnectAsync(server, pinner);
        Assert.True(outcome.Completed, outcome.Error?.ToString());
        Assert.Equal(PinValidationOutcome.ReportOnlyMismatch, outcome.Result!.Outcome);
        Assert.Equal(PinValidationOutcome.PinMismatch, outcome.Result.EnforcedOutcome);
        Assert.True(outcome.Result.IsFlagged);
        Assert.Equal(1, server.Requests);
        Assert.NotEmpty(outcome.Result.ValidatedChain);
    }

    [Fact]
    public async Task Validate_ExpiredPolicy_AllowsAndFlags()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2027, 6, 29, 0, 0, 0, TimeSpan.Zero));
        var pinner = _pki.Pinner(new HostPolicyConfiguration { Hosts = [TestPki.DefaultHost], Pins = [_pki.LeafPin.ToString(), TestPki.BackupPin.ToString()], Expires = "2027-06-30T00:00:00Z" }, time: time);
        await using var server = Interceptor();

        var before = await TlsClient.ConnectAsync(server, pinner);
        Assert.Equal(PinValidationOutcome.PinMismatch, Assert.IsType<PinValidationException>(before.Error).Result.Outcome);

        time.Advance(TimeSpan.FromDays(1));
        var after = await TlsClient.ConnectAsync(server, pinner);
        Assert.True(after.Completed, after.Error?.ToString());
        Assert.Equal(PinValidationOutcome.PolicyExpired, after.Result!.Outcome);
        Assert.True(after.Result.IsFlagged);
    }

    [Fact]
    public async Task Validate_BannedPinInChain_RefusedEvenWhenAnotherPinMatches()
    {
        await using var server = Genuine();
        var pinner = _pki.Pinner(new HostPolicyConfiguration
        {
            Hosts = [TestPki.DefaultHost],
            Pins = [_pki.LeafPin.ToString(), TestPki.BackupPin.ToString()],
            BannedPins = [_pki.Intermediate.Pin.ToString()],
        });
        var outcome = await TlsClient.ConnectAsync(server, pinner);
        var error = Assert.IsType<PinValidationException>(outcome.Error);
        Assert.Equal(PinValidationOutcome.BannedPin, error.Result.Outcome);
        Assert.Contains("Genuine Issuing CA", error.Result.Detail, StringComparison.Ordinal);
        Assert.Equal(0, server.Requests);
    }

    [Theory]
    [InlineData("API.EXCHANGE.TEST")]
    [InlineData("api.exchange.test.")]
    [InlineData("Api.Exchange.Test.")]
    public async Task Validate_OtherSpellingsOfPinnedHost_StillPinned(string spelling)
    {
        await using var server = Interceptor();
        var outcome = await TlsClient.ConnectAsync(server, _pki.Pinner(_pki.LeafPin), spelling);
        var error = Assert.IsType<PinValidationException>(outcome.Error);
        Assert.Equal(PinValidationOutcome.PinMismatch, error.Result.Outcome);
        Assert.Equal(TestPki.DefaultHost, error.Result.Host);
        Assert.Equal(0, server.Requests);
    }

    [Theory]
    [InlineData("API.EXCHANGE.TEST")]
    [InlineData("api.exchange.test.")]
    public async Task Validate_OtherSpellingsOfPinnedHostToGenuine_Allows(string spelling)
    {
        await using var server = Genuine();
        var outcome = await TlsClient.ConnectAsync(server, _pki.Pinner(_pki.LeafPin), spelling);
        Assert.True(outcome.Completed, outcome.Error?.ToString());
        Assert.Equal(PinValidationOutcome.PinMatched, outcome.Result!.Outcome);
    }

    [Fact]
    public async Task Validate_IdnHost_PinnedUnderEitherSpelling()
    {
        using var leaf = _pki.InterceptorRoot.IssueServer(["xn--bcher-kva.exchange.test"]);
        await using var server = LoopbackTlsServer.Start(leaf);
        var pinner = _pki.Pinner(new HostPolicyConfiguration { Hosts = ["bücher.exchange.test"], Pins = [_pki.LeafPin.ToString(), TestPki.BackupPin.ToString()] });
        var outcome = await TlsClient.ConnectAsync(server, pinner, "xn--bcher-kva.exchange.test");
        Assert.Equal(PinValidationOutcome.PinMismatch, Assert.IsType<PinValidationException>(outcome.Error).Result.Outcome);
    }

    [Fact]
    public async Task Validate_MostSpecificPatternWins()
    {
        await using var server = Genuine();
        var pinner = _pki.Pinner(new PinningConfiguration
        {
            Policies =
            [
                new() { Hosts = ["**.exchange.test"], Pins = [_pki.InterceptorRoot.Pin.ToString(), TestPki.BackupPin.ToString()] },
                new() { Hosts = ["*.exchange.test"], Pins = [_pki.LeafPin.ToString(), TestPki.BackupPin.ToString()] },
            ],
        });
        var allowed = await TlsClient.ConnectAsync(server, pinner, "api.exchange.test");
        Assert.True(allowed.Completed, allowed.Error?.ToString());
        Assert.Equal("*.exchange.test", allowed.Result!.MatchedPattern!.ToString());

        var refused = await TlsClient.ConnectAsync(server, pinner, "exchange.test");
        Assert.False(refused.Completed);
    }

    [Fact]
    public async Task Validate_UnpinnedHost_AllowedUnlessPinnedHostsRequired()
    {
        await using var server = Interceptor();
        var policy = new HostPolicyConfiguration { Hosts = ["other.exchange.test"], Pins = [_pki.LeafPin.ToString(), TestPki.BackupPin.ToString()] };

        var open = await TlsClient.ConnectAsync(server, _pki.Pinner(policy));
        Assert.True(open.Completed, open.Error?.ToString());
        Assert.Equal(PinValidationOutcome.NoPolicy, open.Result!.Outcome);

        var closed = await TlsClient.ConnectAsync(server, _pki.Pinner(policy, requirePinnedHosts: true));
        Assert.Equal(PinValidationOutcome.UnpinnedHostRefused, Assert.IsType<PinValidationException>(closed.Error).Result.Outcome);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task Validate_ObserverThrows_RefusedToFailClosed()
    {
        await using var server = Genuine();
        var pinner = _pki.Pinner(new HostPolicyConfiguration { Hosts = [TestPki.DefaultHost], Pins = [_pki.LeafPin.ToString(), TestPki.BackupPin.ToString()] },
            observer: _ => throw new InvalidOperationException("observer broke"));
        var outcome = await TlsClient.ConnectAsync(server, pinner);
        var error = Assert.IsType<PinValidationException>(outcome.Error);
        Assert.Equal(PinValidationOutcome.ValidationError, error.Result.Outcome);
        Assert.Contains("observer broke", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public void Validate_NoCertificate_PlatformFailure()
    {
        var result = _pki.Pinner(_pki.LeafPin).Validate(TestPki.DefaultHost, null, null, System.Net.Security.SslPolicyErrors.RemoteCertificateNotAvailable);
        Assert.Equal(PinValidationOutcome.PlatformValidationFailed, result.Outcome);
        Assert.False(result.IsAllowed);
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 SelfSignedServer(string host)
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest($"CN={host}", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        var san = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        san.AddDnsName(host);
        request.CertificateExtensions.Add(san.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }
}
