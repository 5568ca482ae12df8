using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pinset.TestSupport;

/// <summary>A generated CA (root or intermediate) that issues certificates for tests. Each holds its private key.</summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly AsymmetricAlgorithm _key;

    private TestCertificateAuthority(X509Certificate2 certificate, AsymmetricAlgorithm key, TestCertificateAuthority? parent)
    {
        Certificate = certificate;
        _key = key;
        Parent = parent;
    }

    /// <summary>The CA certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA that issued this one; null for a root.</summary>
    public TestCertificateAuthority? Parent { get; }

    /// <summary>The pin of the CA's key.</summary>
    public SpkiPin Pin => SpkiPin.FromCertificate(Certificate);

    /// <summary>A self-signed root CA.</summary>
    public static TestCertificateAuthority CreateRoot(string commonName, TestKeyKind kind = TestKeyKind.EcP256)
    {
        var key = TestKeys.Create(kind);
        var request = TestKeys.Request($"CN={commonName}, O=Pinset Tests", key);
        AddCaExtensions(request);
        var certificate = request.CreateSelfSigned(Now.AddDays(-30), Now.AddYears(5));
        return new TestCertificateAuthority(certificate, key, null);
    }

    /// <summary>An intermediate CA issued by this one.</summary>
    public TestCertificateAuthority CreateIntermediate(string commonName, TestKeyKind kind = TestKeyKind.EcP256, AsymmetricAlgorithm? reuseKey = null)
    {
        var key = reuseKey ?? TestKeys.Create(kind);
        var request = TestKeys.Request($"CN={commonName}, O=Pinset Tests", key);
        AddCaExtensions(request);
        var certificate = Sign(request, Now.AddDays(-30), Now.AddYears(3));
        return new TestCertificateAuthority(TestKeys.WithKey(certificate, key), key, this);
    }

    /// <summary>A server certificate for the given DNS names or IP addresses, with its private key.</summary>
    public X509Certificate2 IssueServer(
        string[] names,
        TestKeyKind kind = TestKeyKind.EcP256,
        DateTimeOffset? notBefore = null,
        DateTimeOffset? notAfter = null,
        AsymmetricAlgorithm? reuseKey = null,
        string? commonName = null)
    {
        var key = reuseKey ?? TestKeys.Create(kind);
        var request = TestKeys.Request($"CN={commonName ?? names[0]}, O=Pinset Tests", key);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (System.Net.IPAddress.TryParse(name, out var address))
            {
                san.AddIpAddress(address);
            }
            else
            {
                san.AddDnsName(name);
            }
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var certificate = Sign(request, notBefore ?? Now.AddDays(-1), notAfter ?? Now.AddDays(90));
        return TestKeys.WithKey(certificate, key);
    }

    /// <summary>
    /// A CA certificate carrying <paramref name="other"/>'s name and public key, signed by this CA: a cross-certificate.
    /// It needs only the other CA's public key, so any CA can make one for any root.
    /// </summary>
    public X509Certificate2 CrossSign(TestCertificateAuthority other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var request = new CertificateRequest(other.Certificate.SubjectName, other.Certificate.PublicKey, HashAlgorithmName.SHA256);
        AddCaExtensions(request);
        return Sign(request, Now.AddDays(-30), Now.AddYears(3));
    }

    /// <summary>
    /// Any certificate with its private key, used as an issuer whatever its extensions say: how an attacker signs with
    /// a key whose certificate is not a CA (OkHttp's "signers must have the CA bit set" case).
    /// </summary>
    public static TestCertificateAuthority Impersonate(X509Certificate2 certificateWithKey, TestCertificateAuthority? parent = null)
    {
        ArgumentNullException.ThrowIfNull(certificateWithKey);
        var key = (AsymmetricAlgorithm?)certificateWithKey.GetECDsaPrivateKey() ?? certificateWithKey.GetRSAPrivateKey()
            ?? throw new ArgumentException($"Certificate '{certificateWithKey.Subject}' has no private key.", nameof(certificateWithKey));
        return new TestCertificateAuthority(new X509Certificate2(certificateWithKey), key, parent);
    }

    private X509Certificate2 Sign(CertificateRequest request, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        var generator = _key switch
        {
            ECDsa ec => X509SignatureGenerator.CreateForECDsa(ec),
            RSA rsa => X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1),
            _ => throw new NotSupportedException(_key.GetType().Name),
        };
        if (notAfter > Certificate.NotAfter)
        {
            notAfter = Certificate.NotAfter;
        }

        return request.Create(Certificate.SubjectName, generator, notBefore, notAfter, serial);
    }

    private static void AddCaExtensions(CertificateRequest request)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
    }

    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }
}
