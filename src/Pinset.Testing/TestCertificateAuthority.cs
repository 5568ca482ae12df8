using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pinset.Testing;

/// <summary>
/// A generated CA (root or intermediate) that issues server certificates for tests: for DNS names and IP addresses,
/// with any validity period, any key kind, or a key you supply (a backup key). Each CA holds its private key.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly TestKey _key;
    private readonly bool _ownsKey;

    private TestCertificateAuthority(X509Certificate2 certificate, TestKey key, bool ownsKey, TestCertificateAuthority? parent)
    {
        Certificate = certificate;
        _key = key;
        _ownsKey = ownsKey;
        Parent = parent;
    }

    /// <summary>The CA certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA that issued this one; null for a root.</summary>
    public TestCertificateAuthority? Parent { get; }

    /// <summary>The pin of the CA's key.</summary>
    public SpkiPin Pin => SpkiPin.FromCertificate(Certificate);

    /// <summary>A self-signed root CA, valid from 30 days ago for 5 years.</summary>
    public static TestCertificateAuthority CreateRoot(string commonName, TestKeyKind kind = TestKeyKind.EcP256) => CreateNamedRoot(new X500DistinguishedName(Subject(commonName)), kind);

    /// <summary>
    /// A self-signed root CA named <paramref name="subject"/>, valid from 30 days ago for 5 years: a stand-in with a public
    /// CA's real name (<c>CN=ISRG Root X1, O=Internet Security Research Group, C=US</c>) and a key of its own.
    /// </summary>
    public static TestCertificateAuthority CreateNamedRoot(X500DistinguishedName subject, TestKeyKind kind = TestKeyKind.EcP256)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var key = TestKey.Create(kind);
        var request = key.Request(subject.Name);
        CertificateIssuance.AddCaExtensions(request);
        var certificate = request.CreateSelfSigned(Now.AddDays(-30), Now.AddYears(5));
        return new TestCertificateAuthority(certificate, key, ownsKey: true, null);
    }

    /// <summary>An intermediate CA issued by this one, valid from 30 days ago for 3 years; with <paramref name="key"/>, it holds that key (the caller keeps owning it).</summary>
    public TestCertificateAuthority CreateIntermediate(string commonName, TestKeyKind kind = TestKeyKind.EcP256, TestKey? key = null) => CreateNamedIntermediate(new X500DistinguishedName(Subject(commonName)), kind, key);

    /// <summary>
    /// An intermediate CA named <paramref name="subject"/> (<c>CN=R11, O=Let's Encrypt, C=US</c>) issued by this one, valid
    /// from 30 days ago for 3 years; with <paramref name="key"/>, it holds that key (the caller keeps owning it).
    /// </summary>
    public TestCertificateAuthority CreateNamedIntermediate(X500DistinguishedName subject, TestKeyKind kind = TestKeyKind.EcP256, TestKey? key = null)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var own = key ?? TestKey.Create(kind);
        var request = own.Request(subject.Name);
        CertificateIssuance.AddCaExtensions(request);
        var certificate = Sign(request, Now.AddDays(-30), Now.AddYears(3));
        return new TestCertificateAuthority(own.Attach(certificate), own, ownsKey: key is null, this);
    }

    /// <summary>
    /// A server certificate for the DNS names or IP addresses in <paramref name="names"/> (the first is also its common
    /// name, unless <paramref name="commonName"/> is given), with its private key: a new key of <paramref name="kind"/>,
    /// or <paramref name="key"/>. Valid from <paramref name="notBefore"/> (default: a day ago) to <paramref name="notAfter"/>
    /// (default: in 90 days, and never after this CA). The caller owns the certificate.
    /// </summary>
    public X509Certificate2 IssueServer(
        IEnumerable<string> names,
        TestKeyKind kind = TestKeyKind.EcP256,
        DateTimeOffset? notBefore = null,
        DateTimeOffset? notAfter = null,
        TestKey? key = null,
        string? commonName = null)
    {
        ArgumentNullException.ThrowIfNull(names);
        var list = names.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("A server certificate needs at least one DNS name or IP address.", nameof(names));
        }

        var own = key ?? TestKey.Create(kind);
        var request = own.Request(Subject(commonName ?? list[0]));
        CertificateIssuance.AddServerExtensions(request, list);
        var certificate = Sign(request, notBefore ?? Now.AddDays(-1), notAfter ?? Now.AddDays(90));

        return own.Attach(certificate);
    }

    /// <summary>
    /// A CA certificate carrying <paramref name="other"/>'s name and public key, signed by this CA: a cross-certificate.
    /// It needs only the other CA's public key, so any CA can make one for any root.
    /// </summary>
    public X509Certificate2 CrossSign(TestCertificateAuthority other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var request = new CertificateRequest(other.Certificate.SubjectName, other.Certificate.PublicKey, HashAlgorithmName.SHA256);
        CertificateIssuance.AddCaExtensions(request);
        return Sign(request, Now.AddDays(-30), Now.AddYears(3));
    }

    /// <summary>
    /// Any certificate with its private key, used as an issuer whatever its extensions say: how an attacker signs with
    /// a key whose certificate is not a CA (OkHttp's "signers must have the CA bit set" case).
    /// </summary>
    /// <exception cref="ArgumentException">The certificate has no EC or RSA private key.</exception>
    public static TestCertificateAuthority Impersonate(X509Certificate2 certificateWithKey, TestCertificateAuthority? parent = null)
    {
        ArgumentNullException.ThrowIfNull(certificateWithKey);
        var key = TestKey.FromCertificate(certificateWithKey);
        return new TestCertificateAuthority(new X509Certificate2(certificateWithKey), key, ownsKey: true, parent);
    }

    private X509Certificate2 Sign(CertificateRequest request, DateTimeOffset notBefore, DateTimeOffset notAfter) =>
        CertificateIssuance.Sign(request, Certificate, _key.SignatureGenerator(), notBefore, notAfter);

    private static string Subject(string commonName) => $"CN={commonName}, O=Pinset.Testing";

    /// <summary>Disposes the certificate and, unless it was supplied, the key.</summary>
    public void Dispose()
    {
        Certificate.Dispose();
        if (_ownsKey)
        {
            _key.Dispose();
        }
    }
}
