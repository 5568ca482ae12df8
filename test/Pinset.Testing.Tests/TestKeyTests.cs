using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pinset.Testing.Tests;

public sealed class TestKeyTests
{
    [Fact]
    public void PrivateKeyPem_EcKey_ImportsToTheSamePin()
    {
        using var key = TestKey.Create(TestKeyKind.EcP384);
        using var imported = ECDsa.Create();

        imported.ImportFromPem(key.PrivateKeyPem());

        Assert.Equal(key.Pin, SpkiPin.FromSubjectPublicKeyInfo(imported.ExportSubjectPublicKeyInfo()));
    }

    [Fact]
    public void PrivateKeyPem_CertificateWithoutKey_RefusedNamingIt()
    {
        using var pki = new TestPki();
        using var publicOnly = X509CertificateLoader.LoadCertificate(pki.Leaf.RawData);

        var error = Assert.Throws<ArgumentException>(() => TestKey.PrivateKeyPem(publicOnly));

        Assert.StartsWith($"Certificate '{pki.Leaf.Subject}' has no EC or RSA private key.", error.Message, StringComparison.Ordinal);
    }
}
