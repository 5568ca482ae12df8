using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pinset.Cli;

/// <summary>The demo's certificates, made in memory: an exchange chain (root, intermediate, leaf) and an interceptor's.</summary>
internal sealed class DemoPki : IDisposable
{
    public const string Host = "api.exchange.demo";

    private readonly List<IDisposable> _owned = [];

    public DemoPki()
    {
        (Root, var rootKey) = SelfSigned("Demo Exchange Root CA");
        (Intermediate, var intermediateKey) = Issue(Root, rootKey, "Demo Exchange Issuing CA", ca: true);
        (Leaf, _) = Issue(Intermediate, intermediateKey, Host, ca: false);
        (InterceptorRoot, var interceptorKey) = SelfSigned("Demo Interceptor CA (trusted by this client)");
        (InterceptorLeaf, _) = Issue(InterceptorRoot, interceptorKey, Host, ca: false);
    }

    public X509Certificate2 Root { get; }

    public X509Certificate2 Intermediate { get; }

    public X509Certificate2 Leaf { get; }

    public X509Certificate2 InterceptorRoot { get; }

    public X509Certificate2 InterceptorLeaf { get; }

    private (X509Certificate2, ECDsa) SelfSigned(string name)
    {
        var key = Own(ECDsa.Create(ECCurve.NamedCurves.nistP256));
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return (Own(request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30))), key);
    }

    private (X509Certificate2, ECDsa) Issue(X509Certificate2 issuer, ECDsa issuerKey, string name, bool ca)
    {
        var key = Own(ECDsa.Create(ECCurve.NamedCurves.nistP256));
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(ca, false, 0, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        if (ca)
        {
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        }
        else
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName(name);
            request.CertificateExtensions.Add(san.Build());
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        }

        using var issued = request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey), DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(20), RandomNumberGenerator.GetBytes(12));
        return (Own(issued.CopyWithPrivateKey(key)), key);
    }

    private T Own<T>(T item)
        where T : IDisposable
    {
        _owned.Add(item);
        return item;
    }

    public void Dispose() => _owned.ForEach(item => item.Dispose());
}
