using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Pinset.Tests;

/// <summary><see cref="CertificatePinnerOptions.OnValidated"/> sees every result, a direct <c>Validate</c> call's too, as documented.</summary>
public sealed class ObserverTests : IDisposable
{
    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    private X509Chain Chain()
    {
        var chain = new X509Chain { ChainPolicy = { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck } };
        chain.ChainPolicy.CustomTrustStore.Add(_pki.Root.Certificate);
        chain.ChainPolicy.ExtraStore.Add(_pki.Intermediate.Certificate);
        Assert.True(chain.Build(_pki.Leaf));
        return chain;
    }

    [Fact]
    public void DirectValidate_ReachesTheObserver()
    {
        var seen = new List<PinValidationResult>();
        var pinner = _pki.Pinner(new HostPolicyConfiguration { Hosts = [TestPki.DefaultHost], Pins = [_pki.Intermediate.Pin.ToString(), TestPki.BackupPin.ToString()] }, observer: seen.Add);
        using var chain = Chain();
        var result = pinner.Validate(TestPki.DefaultHost, _pki.Leaf, chain, SslPolicyErrors.None);
        Assert.Same(result, Assert.Single(seen));
        Assert.Equal(PinValidationOutcome.PinMatched, result.Outcome);
    }

    [Fact]
    public void DirectValidate_ObserverThrows_ValidateThrowsItsException()
    {
        var pinner = _pki.Pinner(new HostPolicyConfiguration { Hosts = [TestPki.DefaultHost], Pins = [_pki.Intermediate.Pin.ToString(), TestPki.BackupPin.ToString()] }, observer: _ => throw new InvalidOperationException("observer broke"));
        using var chain = Chain();
        var error = Assert.Throws<InvalidOperationException>(() => pinner.Validate(TestPki.DefaultHost, _pki.Leaf, chain, SslPolicyErrors.None));
        Assert.Equal("observer broke", error.Message);
    }
}
