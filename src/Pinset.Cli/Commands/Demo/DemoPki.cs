using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Pinset.Testing;

namespace Pinset.Cli;

/// <summary>
/// The demo's certificates, made in memory: an exchange chain (root, intermediate, leaf) and an interceptor's. They are
/// made by Pinset.Testing's generator (<see cref="CertificateIssuance"/>), the one that makes every test certificate:
/// the tool compiles that file rather than referencing the package, because Pinset.Testing needs the ASP.NET Core shared
/// framework (its Kestrel servers), which a machine with only the .NET runtime does not have, and which the tool's
/// native executable would have to carry.
/// </summary>
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
        CertificateIssuance.AddCaExtensions(request);
        return (Own(request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30))), key);
    }

    private (X509Certificate2, ECDsa) Issue(X509Certificate2 issuer, ECDsa issuerKey, string name, bool ca)
    {
        var key = Own(ECDsa.Create(ECCurve.NamedCurves.nistP256));
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        if (ca)
        {
            CertificateIssuance.AddCaExtensions(request);
        }
        else
        {
            CertificateIssuance.AddServerExtensions(request, [name]);
        }

        using var issued = CertificateIssuance.Sign(request, issuer, X509SignatureGenerator.CreateForECDsa(issuerKey), DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(20));
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
