using System.Security.Cryptography.X509Certificates;

namespace Pinset.Tests;

public sealed class CertificateAuthorityMapTests
{
    private static CertificateAuthorityMap Map => CertificateAuthorityMap.BuiltIn;

    [Fact]
    public void BuiltIn_Roots_MatchTheSystemStoreByFingerprint()
    {
        var store = new X509Certificate2Collection();
        store.ImportFromPemFile("/etc/ssl/certs/ca-certificates.crt");
        int compared = 0;
        foreach (var certificate in store)
        {
            if (Map.Find(SpkiPin.FromCertificate(certificate)) is { IsRoot: true } root)
            {
                // The same certificate; or the same key and name, re-issued with other dates (Firmaprofesional's root).
                var fingerprint = CertificateFingerprint.FromCertificate(certificate);
                compared += root.Fingerprints.Contains(fingerprint) ? 1 : 0;
                Assert.True(root.Fingerprints.Contains(fingerprint) || SameSubjectInTheMap(root, certificate), $"The system store's '{certificate.Subject}' ({fingerprint}) has the key of the map's root '{root.Name}', whose certificates are {string.Join(", ", root.Fingerprints)}.");
            }
        }

        Assert.True(compared > 100, $"Only {compared} certificates of the system store are roots of the map by fingerprint.");
        foreach (var name in new[] { "ISRG Root X1", "ISRG Root X2", "GTS Root R1", "GTS Root R4", "USERTrust ECC Certification Authority", "Amazon Root CA 1" })
        {
            Assert.Contains(store.Cast<X509Certificate2>(), c => c.GetNameInfo(X509NameType.SimpleName, false) == name && Map.Find(SpkiPin.FromCertificate(c))?.IsRoot == true);
        }
    }

    private static bool SameSubjectInTheMap(CertificateAuthorityKey root, X509Certificate2 certificate) =>
        SharedTrustStore.Roots.Any(c => root.Fingerprints.Contains(CertificateFingerprint.FromCertificate(c)) && c.SubjectName.RawData.AsSpan().SequenceEqual(certificate.SubjectName.RawData));

    [Theory]
    [InlineData("R11", "Let's Encrypt", "Let's Encrypt", "ISRG Root X1")]
    [InlineData("E7", "Let's Encrypt", "Let's Encrypt", "ISRG Root X1")]
    [InlineData("WR1", "Google Trust Services", "Google Trust Services", "GTS Root R1")]
    [InlineData("WE1", "Google Trust Services", "Google Trust Services", "GTS Root R4")]
    [InlineData("Cloudflare TLS Issuing ECC CA 3", "SSL Corporation", "SSL.com", "SSL.com TLS ECC Root CA 2022")]
    public void Find_RealIntermediateFromTheTrustStore_IdentifiedBySpki(string commonName, string organization, string operatorName, string rootName)
    {
        using var certificate = SharedTrustStore.Intermediate(commonName, organization);
        var key = Map.Find(SpkiPin.FromCertificate(certificate))!;
        Assert.Equal((commonName, operatorName, false), (key.Name, key.Operator, key.IsRoot));
        Assert.Contains(key.RootPins, pin => Map.Find(pin)!.Name == rootName);
    }

    [Fact]
    public void Find_KeyNotInTheMap_Null()
    {
        using var pki = new TestPki();
        Assert.Null(Map.Find(pki.Intermediate.Pin));
    }

    [Fact]
    public void BuiltIn_RecordsSourceAndDate()
    {
        Assert.StartsWith("Cloudflare's CFSSL trust store, release 2026.5.1", Map.Source, StringComparison.Ordinal);
        Assert.True(Map.KeyCount > 1000);
    }

    [Fact]
    public void OutdatedWarning_MoreThanTwelveMonthsOld_NamesTheDate()
    {
        var map = CertificateAuthorityMap.Parse("source\tA store\ndate\t2025-01-31\n");
        Assert.Null(map.OutdatedWarning(new DateTimeOffset(2026, 1, 31, 0, 0, 0, TimeSpan.Zero)));
        var warning = map.OutdatedWarning(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal("The CA map is from 2025-01-31, more than 12 months ago (A store); CA keys issued since then are 'not in the map'. Update Pinset, or refresh the map (eng/refresh-ca-map.sh).", warning);
    }

    [Theory]
    [InlineData("date\t2026-01-01\n", "The CA map has no 'source' or no 'date' line")]
    [InlineData("source\ts\ndate\t2026-13-01\n", "The CA map's line 2 is not valid at '2026-13-01': expected a date as yyyy-MM-dd.")]
    [InlineData("source\ts\ndate\t2026-01-01\nroot\tsha256/AAAA\t2030-01-01\t\tX\n", "The CA map's line 3 is not valid at 'root")]
    [InlineData("source\ts\ndate\t2026-01-01\noperator\tA\nroot\tsha256/AAAA\t2030-01-01\t\tX\n", "The CA map's line 4 is not valid at 'sha256/AAAA': Pin 'sha256/AAAA' is 3 bytes long")]
    [InlineData("source\ts\ndate\t2026-01-01\noperator\tA\noperator\ta\n", "The CA map's line 4 is not valid at 'a': the operator is named twice")]
    public void Parse_BadMap_ThrowsNamingTheLine(string text, string expected)
    {
        var error = Assert.Throws<PinsetFormatException>(() => CertificateAuthorityMap.Parse(text));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }
}
