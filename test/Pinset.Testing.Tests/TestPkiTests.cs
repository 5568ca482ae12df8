using System.Security.Cryptography.X509Certificates;

namespace Pinset.Testing.Tests;

public sealed class TestPkiTests
{
    [Fact]
    public void Leaf_ChosenHostsIncludingIpAddresses_ChainsToTheRootAndCoversEveryHost()
    {
        using var pki = new TestPki(["api.exchange.example", "*.ws.exchange.example", "10.1.2.3", "::1"]);

        Assert.True(Chains(pki.Leaf, pki.Root, pki.Intermediate.Certificate));
        Assert.True(pki.Leaf.MatchesHostname("api.exchange.example"));
        Assert.True(pki.Leaf.MatchesHostname("stream.ws.exchange.example"));
        Assert.True(pki.Leaf.MatchesHostname("10.1.2.3"));
        Assert.True(pki.Leaf.MatchesHostname("::1"));
        Assert.Equal("api.exchange.example", pki.Host);
        Assert.Equal("CN=api.exchange.example, O=Pinset.Testing", pki.Leaf.Subject);
    }

    [Fact]
    public void InterceptorLeaf_SameHosts_DoesNotChainToTheGenuineRoot()
    {
        using var pki = new TestPki();

        Assert.True(pki.InterceptorLeaf.MatchesHostname(TestPki.DefaultHost));
        Assert.False(Chains(pki.InterceptorLeaf, pki.Root, pki.Intermediate.Certificate));
        Assert.True(Chains(pki.InterceptorLeaf, pki.InterceptorRoot));
        Assert.NotEqual(pki.LeafPin, SpkiPin.FromCertificate(pki.InterceptorLeaf));
    }

    [Theory]
    [InlineData(TestKeyKind.Rsa2048, "RSA")]
    [InlineData(TestKeyKind.EcP256, "ECC")]
    [InlineData(TestKeyKind.EcP384, "ECC")]
    public void Kind_EveryKeyIsOfThatKind(TestKeyKind kind, string friendlyName)
    {
        using var pki = new TestPki(kind);

        Assert.All([pki.Root.Certificate, pki.Intermediate.Certificate, pki.Leaf, pki.InterceptorLeaf], c => Assert.Equal(friendlyName, c.PublicKey.Oid.FriendlyName));
        Assert.True(Chains(pki.Leaf, pki.Root, pki.Intermediate.Certificate));
    }

    [Fact]
    public void IssueExpiredLeaf_ExpiredYesterday_RefusedByTheChain()
    {
        using var pki = new TestPki();
        using var expired = pki.IssueExpiredLeaf();

        Assert.True(expired.NotAfter < DateTime.Now);
        Assert.True(expired.MatchesHostname(TestPki.DefaultHost));
        Assert.False(Chains(expired, pki.Root, pki.Intermediate.Certificate));
    }

    [Fact]
    public void IssueWrongHostLeaf_ChainsButMatchesNoneOfTheHosts()
    {
        using var pki = new TestPki();
        using var wrong = pki.IssueWrongHostLeaf();

        Assert.True(Chains(wrong, pki.Root, pki.Intermediate.Certificate));
        Assert.All(pki.Hosts.Where(h => !h.StartsWith('*')), h => Assert.False(wrong.MatchesHostname(h)));
    }

    [Fact]
    public void IssueBackupLeaf_CarriesTheBackupKeyWhosePinIsBackupPin()
    {
        using var pki = new TestPki();
        using var rotated = pki.IssueBackupLeaf();

        Assert.Equal(TestPki.BackupPin, SpkiPin.FromCertificate(rotated));
        Assert.Equal(TestPki.BackupKey.Pin, TestPki.BackupPin);
        Assert.NotEqual(pki.LeafPin, TestPki.BackupPin);
        Assert.True(Chains(rotated, pki.Root, pki.Intermediate.Certificate));
    }

    private static bool Chains(X509Certificate2 leaf, TestCertificateAuthority root, params X509Certificate2[] extra)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(root.Certificate);
        chain.ChainPolicy.ExtraStore.AddRange(extra);
        return chain.Build(leaf);
    }
}
