using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pinset.Testing;

/// <summary>
/// How a test or demo CA makes its certificates: the extensions of a CA and of a TLS server, and the signature with the
/// issuer's key, its authority key identifier, a random positive serial, and a validity within the issuer's. The one
/// generator of Pinset's test and demo certificates: <c>TestCertificateAuthority</c> issues with it, and the
/// pinset tool compiles this same file for <c>pinset demo</c> (it does not ship this package; see its DemoPki).
/// </summary>
internal static class CertificateIssuance
{
    /// <summary>A CA's extensions: basic constraints (a CA), key usage (certificate and CRL signing), a subject key identifier.</summary>
    public static void AddCaExtensions(CertificateRequest request)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
    }

    /// <summary>A TLS server's extensions: its DNS names and IP addresses, not a CA, key usage, server authentication, a subject key identifier.</summary>
    public static void AddServerExtensions(CertificateRequest request, IEnumerable<string> names)
    {
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var address))
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
    }

    /// <summary>
    /// The certificate <paramref name="request"/> asks for, signed by <paramref name="issuer"/> with
    /// <paramref name="signer"/>, valid from <paramref name="notBefore"/> to <paramref name="notAfter"/> or the issuer's
    /// own end, whichever comes first. It has no private key; the caller attaches the requester's.
    /// </summary>
    public static X509Certificate2 Sign(CertificateRequest request, X509Certificate2 issuer, X509SignatureGenerator signer, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        if (notAfter > issuer.NotAfter)
        {
            notAfter = issuer.NotAfter;
        }

        return request.Create(issuer.SubjectName, signer, notBefore, notAfter, serial);
    }
}
