namespace Pinset.Formats.Tests;

/// <summary>Pins computed from keys, certificates and requests that openssl made, checked against openssl's own pipeline.</summary>
public sealed class PinSourceTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, string[], string> Keys => new()
    {
        { "rsa", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], "RSA 2048" },
        { "p256", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], "EC P-256" },
        { "p384", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"], "EC P-384" },
        { "p521", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"], "EC P-521" },
        { "ed25519", ["-algorithm", "ED25519"], "Ed25519" },
    };

    [Theory]
    [InlineData("basicConstraints=critical,CA:TRUE", true)]
    [InlineData("basicConstraints=CA:FALSE", false)]
    [InlineData(null, false)]
    public void ReadAll_Certificate_IsCertificateAuthorityAsOpenSslWroteIt(string? extension, bool expected)
    {
        string key = _dir.File("ca.key"), cert = _dir.File("ca.crt");
        OpenSsl.Run(_dir.Path, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key);
        // openssl req -x509 adds CA:TRUE unless told otherwise; -config /dev/null with no extensions writes none at all.
        string[] extensions = extension is null ? ["-config", "/dev/null", "-subj", "/CN=none"] : ["-subj", "/CN=some", "-addext", extension];
        OpenSsl.Run(_dir.Path, ["req", "-new", "-x509", "-key", key, "-days", "30", "-out", cert, .. extensions]);
        var source = Assert.Single(PinSource.ReadAll(File.ReadAllBytes(cert), cert));
        Assert.Equal(expected, source.IsCertificateAuthority);
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void ReadAll_EveryFormOfOneKey_MatchesOpenSsl(string name, string[] generate, string algorithm)
    {
        string key = _dir.File($"{name}.key"), cert = _dir.File($"{name}.crt"), csr = _dir.File($"{name}.csr"), pub = _dir.File($"{name}.pub");
        OpenSsl.Run(_dir.Path, ["genpkey", .. generate, "-out", key]);
        OpenSsl.Run(_dir.Path, "req", "-new", "-x509", "-key", key, "-subj", $"/CN={name}.exchange.test", "-days", "30", "-out", cert);
        OpenSsl.Run(_dir.Path, "req", "-new", "-key", key, "-subj", $"/CN={name}.exchange.test", "-out", csr);
        OpenSsl.Run(_dir.Path, "x509", "-in", cert, "-pubkey", "-noout", "-out", pub);
        OpenSsl.Run(_dir.Path, "x509", "-in", cert, "-outform", "der", "-out", cert + ".der");
        OpenSsl.Run(_dir.Path, "req", "-in", csr, "-outform", "der", "-out", csr + ".der");
        var expected = OpenSsl.PinOfPublicKeyPem(_dir.Path, pub);

        foreach (var (file, kind) in new[]
        {
            (cert, PinSourceKind.Certificate), (cert + ".der", PinSourceKind.Certificate), (pub, PinSourceKind.PublicKey),
            (csr, PinSourceKind.CertificateRequest), (csr + ".der", PinSourceKind.CertificateRequest),
        })
        {
            var source = Assert.Single(PinSource.ReadAll(File.ReadAllBytes(file), file));
            Assert.Equal(kind, source.Kind);
            Assert.Equal(expected, source.Pin.ToString());
            Assert.Equal(algorithm, source.KeyAlgorithm);
        }

        using var loaded = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(cert);
        Assert.Equal(expected, SpkiPin.FromCertificate(loaded).ToString());
    }

    [Fact]
    public void ReadAll_CertificateFingerprint_MatchesOpenSsl()
    {
        string key = _dir.File("k"), cert = _dir.File("c");
        OpenSsl.Run(_dir.Path, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key);
        OpenSsl.Run(_dir.Path, "req", "-new", "-x509", "-key", key, "-subj", "/CN=fp.exchange.test", "-days", "3", "-out", cert);
        var printed = OpenSsl.Run(_dir.Path, "x509", "-in", cert, "-noout", "-fingerprint", "-sha256").Trim();
        var source = Assert.Single(PinSource.ReadAll(File.ReadAllBytes(cert)));
        Assert.Equal(CertificateFingerprint.Parse(printed), source.Fingerprint);
        Assert.Equal(printed[(printed.IndexOf('=') + 1)..], source.Fingerprint.ToString());
    }

    [Fact]
    public void ReadAll_PemBundle_EveryCertificateInFileOrder()
    {
        using var pki = new TestPki();
        var bundle = "subject=leaf\n" + pki.Leaf.ExportCertificatePem() + "\n" + pki.Intermediate.Certificate.ExportCertificatePem() + "\n" + pki.Root.Certificate.ExportCertificatePem();
        var sources = PinSource.ReadAll(System.Text.Encoding.UTF8.GetBytes(bundle));
        Assert.Equal([pki.LeafPin, pki.Intermediate.Pin, pki.Root.Pin], sources.Select(s => s.Pin));
        Assert.Equal(pki.Leaf.Subject, sources[0].Subject);
    }

    [Fact]
    public void ReadAll_RsaPublicKeyPkcs1_SamePinAsSpki()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var pkcs1 = System.Security.Cryptography.PemEncoding.WriteString("RSA PUBLIC KEY", rsa.ExportRSAPublicKey());
        var source = Assert.Single(PinSource.ReadAll(System.Text.Encoding.ASCII.GetBytes(pkcs1)));
        Assert.Equal(SpkiPin.FromSubjectPublicKeyInfo(rsa.ExportSubjectPublicKeyInfo()), source.Pin);
    }

    public static TheoryData<string, byte[], string> BadInputs
    {
        get
        {
            using var pki = new TestPki();
            var pem = pki.Leaf.ExportCertificatePem();
            return new()
            {
                { "empty", [], "is empty" },
                { "garbage", "this is not a certificate"u8.ToArray(), "is not a DER certificate" },
                { "truncated PEM", System.Text.Encoding.ASCII.GetBytes(pem[..(pem.Length / 2)]), "truncated or malformed" },
                { "truncated DER", pki.Leaf.RawData[..(pki.Leaf.RawData.Length / 2)], "is not a DER certificate" },
                { "private key", System.Text.Encoding.ASCII.GetBytes("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIHv0\n-----END PRIVATE KEY-----\n"), "public material only" },
                { "other label", System.Text.Encoding.ASCII.GetBytes("-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n"), "labelled 'X509 CRL'" },
                { "trailing bytes", [.. pki.Leaf.RawData, 0x00], "is not a DER certificate" },
            };
        }
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void ReadAll_BadInput_ThrowsFormatExceptionNamingIt(string name, byte[] content, string expected)
    {
        var error = Assert.Throws<PinsetFormatException>(() => PinSource.ReadAll(content, name));
        Assert.Contains($"'{name}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
