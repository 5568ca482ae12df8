using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pinset.Testing;

/// <summary>
/// A generated key pair and its SPKI pin: the key of a CA or a server, or a backup key that no server holds yet, whose
/// pin a policy lists so the key can be deployed later (<see cref="TestPki.IssueLeaf"/> with it simulates the rotation).
/// </summary>
public sealed class TestKey : IDisposable
{
    private TestKey(AsymmetricAlgorithm algorithm, TestKeyKind kind)
    {
        Algorithm = algorithm;
        Kind = kind;
        Pin = SpkiPin.FromSubjectPublicKeyInfo(algorithm.ExportSubjectPublicKeyInfo());
    }

    /// <summary>The kind of key.</summary>
    public TestKeyKind Kind { get; }

    /// <summary>The key pair: an <see cref="ECDsa"/> or an <see cref="RSA"/>.</summary>
    public AsymmetricAlgorithm Algorithm { get; }

    /// <summary>The pin of the public key (SHA-256 of its SubjectPublicKeyInfo).</summary>
    public SpkiPin Pin { get; }

    /// <summary>Generates a key of <paramref name="kind"/>.</summary>
    public static TestKey Create(TestKeyKind kind = TestKeyKind.EcP256) => new(kind switch
    {
        TestKeyKind.EcP256 => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        TestKeyKind.EcP384 => ECDsa.Create(ECCurve.NamedCurves.nistP384),
        TestKeyKind.EcP521 => ECDsa.Create(ECCurve.NamedCurves.nistP521),
        TestKeyKind.Rsa2048 => RSA.Create(2048),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, $"Key kind '{kind}' is not one of {string.Join(", ", Enum.GetNames<TestKeyKind>())}."),
    }, kind);

    /// <summary>The private key as PKCS#8 PEM, for servers that read key files (nginx, openssl, mitmproxy).</summary>
    public string PrivateKeyPem() => Algorithm.ExportPkcs8PrivateKeyPem();

    /// <summary>A certificate's private key as PKCS#8 PEM, for servers that read key files (nginx, openssl, mitmproxy).</summary>
    /// <exception cref="ArgumentException">The certificate has no EC or RSA private key.</exception>
    public static string PrivateKeyPem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var key = (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey()
            ?? throw new ArgumentException($"Certificate '{certificate.Subject}' has no EC or RSA private key.", nameof(certificate));
        return key.ExportPkcs8PrivateKeyPem();
    }

    /// <summary>A certificate request for <paramref name="subject"/> with this key, signed with SHA-256.</summary>
    internal CertificateRequest Request(string subject) => Algorithm switch
    {
        ECDsa ec => new CertificateRequest(subject, ec, HashAlgorithmName.SHA256),
        RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        _ => throw new NotSupportedException(Algorithm.GetType().Name),
    };

    /// <summary>A signature generator that signs with this key.</summary>
    internal X509SignatureGenerator SignatureGenerator() => Algorithm switch
    {
        ECDsa ec => X509SignatureGenerator.CreateForECDsa(ec),
        RSA rsa => X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1),
        _ => throw new NotSupportedException(Algorithm.GetType().Name),
    };

    /// <summary><paramref name="certificate"/> with this key as its private key; the certificate without it is disposed.</summary>
    internal X509Certificate2 Attach(X509Certificate2 certificate)
    {
        using (certificate)
        {
            return Algorithm switch
            {
                ECDsa ec => certificate.CopyWithPrivateKey(ec),
                RSA rsa => certificate.CopyWithPrivateKey(rsa),
                _ => throw new NotSupportedException(Algorithm.GetType().Name),
            };
        }
    }

    /// <summary>A key held by a certificate, for <see cref="TestCertificateAuthority.Impersonate"/>.</summary>
    internal static TestKey FromCertificate(X509Certificate2 certificate)
    {
        AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey()
            ?? throw new ArgumentException($"Certificate '{certificate.Subject}' has no EC or RSA private key.", nameof(certificate));
        var kind = key switch
        {
            ECDsa { KeySize: 384 } => TestKeyKind.EcP384,
            ECDsa { KeySize: 521 } => TestKeyKind.EcP521,
            ECDsa => TestKeyKind.EcP256,
            _ => TestKeyKind.Rsa2048,
        };
        return new TestKey(key, kind);
    }

    /// <summary>Disposes the key pair.</summary>
    public void Dispose() => Algorithm.Dispose();
}
