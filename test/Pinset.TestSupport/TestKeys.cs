using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pinset.TestSupport;

/// <summary>Key generation and certificate requests for every <see cref="TestKeyKind"/>.</summary>
public static class TestKeys
{
    public static AsymmetricAlgorithm Create(TestKeyKind kind) => kind switch
    {
        TestKeyKind.EcP256 => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        TestKeyKind.EcP384 => ECDsa.Create(ECCurve.NamedCurves.nistP384),
        TestKeyKind.EcP521 => ECDsa.Create(ECCurve.NamedCurves.nistP521),
        _ => RSA.Create(2048),
    };

    public static CertificateRequest Request(string subject, AsymmetricAlgorithm key) => key switch
    {
        ECDsa ec => new CertificateRequest(subject, ec, HashAlgorithmName.SHA256),
        RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        _ => throw new NotSupportedException(key.GetType().Name),
    };

    public static X509Certificate2 WithKey(X509Certificate2 certificate, AsymmetricAlgorithm key)
    {
        using (certificate)
        {
            return key switch
            {
                ECDsa ec => certificate.CopyWithPrivateKey(ec),
                RSA rsa => certificate.CopyWithPrivateKey(rsa),
                _ => throw new NotSupportedException(key.GetType().Name),
            };
        }
    }

    /// <summary>The certificate's private key as PKCS#8 PEM, for servers that read key files (nginx, openssl, mitmproxy).</summary>
    public static string PrivateKeyPem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var key = (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey()
            ?? throw new ArgumentException($"Certificate '{certificate.Subject}' has no EC or RSA private key.", nameof(certificate));
        return key.ExportPkcs8PrivateKeyPem();
    }
}
