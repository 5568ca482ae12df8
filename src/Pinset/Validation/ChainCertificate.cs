using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pinset;

/// <summary>
/// What a result keeps of one certificate of a chain: its pin, fingerprint, names, expiry and DER bytes. The platform
/// disposes the certificates when its callback returns, so Pinset copies these out instead of keeping the objects.
/// </summary>
public sealed record ChainCertificate
{
    private readonly byte[] _der;

    private ChainCertificate(byte[] der, SpkiPin? pin, string subject, string issuer, DateTimeOffset notAfter, string keyAlgorithm)
    {
        _der = der;
        Pin = pin;
        Subject = subject;
        Issuer = issuer;
        NotAfter = notAfter;
        KeyAlgorithm = keyAlgorithm;
        Fingerprint = CertificateFingerprint.FromDer(der);
    }

    /// <summary>The certificate's public-key pin; null if its key could not be located.</summary>
    public SpkiPin? Pin { get; }

    /// <summary>The certificate's SHA-256 fingerprint.</summary>
    public CertificateFingerprint Fingerprint { get; }

    /// <summary>
    /// The subject distinguished name, with any control character, line separator or bidirectional override written as
    /// <c>\uXXXX</c>: the server chose it, and it goes to logs and terminals as it is.
    /// </summary>
    public string Subject { get; }

    /// <summary>The issuer distinguished name, escaped as <see cref="Subject"/> is.</summary>
    public string Issuer { get; }

    /// <summary>When the certificate expires.</summary>
    public DateTimeOffset NotAfter { get; }

    /// <summary>The key's algorithm and size, such as <c>EC P-256</c>.</summary>
    public string KeyAlgorithm { get; }

    /// <summary>The DER encoding of the certificate.</summary>
    public ReadOnlyMemory<byte> RawData => _der;

    /// <summary>The certificate in PEM.</summary>
    public string ToPem() => PemEncoding.WriteString("CERTIFICATE", _der);

    /// <summary>Copies what a result needs out of a certificate.</summary>
    public static ChainCertificate From(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var der = certificate.RawDataMemory.ToArray();
        bool located = Der.TryGetCertificateSpki(der, out var spki);
        return new ChainCertificate(
            der,
            located ? SpkiPin.FromSubjectPublicKeyInfo(spki) : null,
            Printable.Escape(certificate.Subject),
            Printable.Escape(certificate.Issuer),
            new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
            located ? KeyDescription.Describe(spki) : "unknown");
    }

    /// <summary>Reads what a result needs from a certificate's DER.</summary>
    internal static ChainCertificate FromDer(ReadOnlySpan<byte> der)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(der);
        return From(certificate);
    }

    /// <summary>Copies the chain the platform built, leaf first.</summary>
    public static IReadOnlyList<ChainCertificate> FromChain(X509Chain chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var copies = new List<ChainCertificate>(chain.ChainElements.Count);
        foreach (var element in chain.ChainElements)
        {
            copies.Add(From(element.Certificate));
        }

        return copies;
    }

    /// <summary>
    /// Copies what the server sent: its certificate, then the rest of what it sent, which the platform puts in the
    /// chain's extra store (the leaf included, so it is left out the second time).
    /// </summary>
    public static IReadOnlyList<ChainCertificate> FromServed(X509Certificate certificate, X509Chain chain)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(chain);
        var served = new List<ChainCertificate>();
        using (var loaded = certificate is X509Certificate2 ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()))
        {
            served.Add(From(loaded ?? (X509Certificate2)certificate));
        }

        foreach (var extra in chain.ChainPolicy.ExtraStore)
        {
            var copy = From(extra);
            if (!served.Exists(c => c.Fingerprint == copy.Fingerprint))
            {
                served.Add(copy);
            }
        }

        return served;
    }

    /// <summary>One line: the pin, then the subject.</summary>
    public override string ToString() => $"{Pin?.ToString() ?? "(no public key found)"}: {Subject}";
}
