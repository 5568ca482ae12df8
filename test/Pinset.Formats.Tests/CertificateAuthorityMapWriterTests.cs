using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace Pinset.Formats.Tests;

public sealed class CertificateAuthorityMapWriterTests
{
    private static readonly Lazy<CertificateAuthorityMap> Generated = new(() => CertificateAuthorityMap.Parse(Generate()));

    private static string Shipped => File.ReadAllText(Repository.File("src", "Pinset", "Resources", "ca-map.tsv"));

    private static string Generate()
    {
        var date = DateOnly.ParseExact(Shipped.Split('\n').First(l => l.StartsWith("date\t", StringComparison.Ordinal))[5..], "yyyy-MM-dd", CultureInfo.InvariantCulture);
        return CertificateAuthorityMapWriter.WriteFromDirectory(SharedTrustStore.Directory, date);
    }

    [Fact]
    public void WriteFromDirectory_SharedTrustStore_IsTheShippedMap()
    {
        // eng/refresh-ca-map.sh writes the shipped map with this method; regenerating it on the shipped date gives the same text.
        Assert.Equal(Shipped, Generate());
        Assert.Equal("Cloudflare's CFSSL trust store, release 2026.5.1: 339 roots, 1263 intermediates", Generated.Value.Source);
    }

    public static TheoryData<string, string> IssuingOrganizations => new()
    {
        { "Let's Encrypt", "Let's Encrypt" },
        { "Google Trust Services", "Google Trust Services" },
        { "Google Trust Services LLC", "Google Trust Services" },
        { "SSL Corporation", "SSL.com" },
        { "\"CLOUDFLARE, INC.\"", "SSL.com" },
    };

    [Theory]
    [MemberData(nameof(IssuingOrganizations))]
    public void WriteFromDirectory_EveryIssuingCaOfTheOperator_PresentAndAttachedToItsRoot(string organization, string operatorName)
    {
        var map = Generated.Value;
        var all = SharedTrustStore.Roots.Concat(SharedTrustStore.Intermediates).ToList();
        var rootPins = SharedTrustStore.Roots.Select(SpkiPin.FromCertificate).ToHashSet();
        var issuing = SharedTrustStore.Intermediates.Where(c => c.Subject.Contains("O=" + organization + ",", StringComparison.Ordinal) && !rootPins.Contains(SpkiPin.FromCertificate(c))).ToList();
        Assert.NotEmpty(issuing);
        foreach (var certificate in issuing)
        {
            var key = map.Find(SpkiPin.FromCertificate(certificate));
            Assert.True(key is not null, $"'{certificate.Subject}' is not in the map.");
            Assert.Equal(operatorName, key.Operator);
            Assert.False(key.IsRoot);
            Assert.Equal(certificate.GetNameInfo(X509NameType.SimpleName, false), key.Name);
            Assert.NotEmpty(key.RootPins);
            Assert.All(key.RootPins, pin => Assert.True(map.Find(pin)?.IsRoot, $"'{key.Name}' chains to '{pin}', which is not a root of the map."));

            // Its issuer's key, or, for a CA under an intermediate (Cloudflare's under SSL.com's Transit CAs), that one's roots.
            var authorityKey = certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single().KeyIdentifier!.Value.ToArray();
            var issuerPin = SpkiPin.FromCertificate(all.First(c => c.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData)
                && c.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().RawData.AsSpan().EndsWith(authorityKey)));
            var expected = rootPins.Contains(issuerPin) ? [issuerPin] : map.Find(issuerPin)!.RootPins;
            Assert.True(expected.All(key.RootPins.Contains), $"'{key.Name}' chains to {string.Join(", ", key.RootPins)}, not to {string.Join(", ", expected)}.");
        }
    }

    [Fact]
    public void WriteFromDirectory_LetsEncrypt_RootsAndTheWholePool()
    {
        var letsEncrypt = Generated.Value.FindOperator("let's encrypt")!;
        Assert.Equal(["ISRG Root X1", "ISRG Root X2"], letsEncrypt.Roots.Select(r => r.Name));
        Assert.Equal(["E5", "E6", "E7", "E8", "E9", "R10", "R11", "R12", "R13", "R14"], letsEncrypt.IssuingAt(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)).Select(i => i.Name));
        var isrgX1 = letsEncrypt.Roots[0].Pin;
        Assert.All(letsEncrypt.Intermediates.Where(i => i.Name.StartsWith('R')), r => Assert.Contains(isrgX1, r.RootPins));
    }

    [Fact]
    public void Write_CrossSignedRoot_IsNoEntryButLinksTheOtherRoot()
    {
        using var newRoot = TestCertificateAuthority.CreateRoot("New Root");
        using var oldRoot = TestCertificateAuthority.CreateRoot("Old Root");
        using var issuing = newRoot.CreateIntermediate("Issuing");
        using var cross = oldRoot.CrossSign(newRoot);
        var map = CertificateAuthorityMap.Parse(CertificateAuthorityMapWriter.Write([newRoot.Certificate, oldRoot.Certificate], [issuing.Certificate, cross], "test", new DateOnly(2026, 12, 1)));
        Assert.Equal(3, map.KeyCount);
        Assert.Equal([newRoot.Pin, oldRoot.Pin], map.Find(issuing.Pin)!.RootPins.OrderBy(p => p == oldRoot.Pin));
        Assert.Equal("Pinset.Testing", map.Find(issuing.Pin)!.Operator);
    }
}
