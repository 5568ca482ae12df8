using System.Security.Cryptography.X509Certificates;

namespace Pinset.Testing.Tests;

public sealed class TestCertificateAuthorityTests
{
    [Fact]
    public void CreateNamedRootAndIntermediate_RealNames_ChainValidatesToTheRoot()
    {
        using var root = TestCertificateAuthority.CreateNamedRoot(new X500DistinguishedName("CN=ISRG Root X1, O=Internet Security Research Group, C=US"));
        using var r11 = root.CreateNamedIntermediate(new X500DistinguishedName("CN=R11, O=Let's Encrypt, C=US"));
        using var leaf = r11.IssueServer(["api.exchange.example"]);

        Assert.Equal("CN=ISRG Root X1, O=Internet Security Research Group, C=US", root.Certificate.Subject);
        Assert.Equal("CN=R11, O=Let's Encrypt, C=US", r11.Certificate.Subject);
        Assert.Equal(r11.Certificate.Subject, leaf.Issuer);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(root.Certificate);
        chain.ChainPolicy.ExtraStore.Add(r11.Certificate);
        Assert.True(chain.Build(leaf));
        Assert.Equal(root.Pin, SpkiPin.FromCertificate(chain.ChainElements[^1].Certificate));
    }
}
