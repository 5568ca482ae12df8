using System.Security.Cryptography.X509Certificates;

namespace Pinset.Formats;

/// <summary>What the map's generator reads of one certificate of a bundle.</summary>
internal sealed record MapCertificate(
    SpkiPin Pin,
    CertificateFingerprint Fingerprint,
    string Name,
    string Organization,
    byte[] Subject,
    byte[] Issuer,
    string? KeyId,
    string? AuthorityKeyId,
    DateTimeOffset NotAfter)
{
    public string SubjectKey => Convert.ToHexString(Subject);

    public string IssuerKey => Convert.ToHexString(Issuer);

    public bool IsSelfIssued => Subject.AsSpan().SequenceEqual(Issuer);

    public static MapCertificate From(X509Certificate2 certificate)
    {
        string? cn = null, o = null, ou = null;
        foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            switch (rdn.GetSingleElementType().Value)
            {
                case "2.5.4.3": cn ??= rdn.GetSingleElementValue(); break;
                case "2.5.4.10": o ??= rdn.GetSingleElementValue(); break;
                case "2.5.4.11": ou ??= rdn.GetSingleElementValue(); break;
            }
        }

        // Amazon's older CAs are all 'CN=Amazon' and differ by unit ('OU=Server CA 1B').
        // GlobalSign's are 'CN=GlobalSign' and differ by a unit that repeats it ('OU=GlobalSign ECC Root CA - R4').
        var name = cn is null || (ou is not null && string.Equals(cn, o, StringComparison.OrdinalIgnoreCase))
            ? (cn is not null && ou?.StartsWith(cn, StringComparison.OrdinalIgnoreCase) == true ? ou : string.Join(' ', new[] { cn, ou }.OfType<string>()))
            : cn;
        name = string.IsNullOrWhiteSpace(name) ? certificate.Subject : name;
        var ski = certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault()?.SubjectKeyIdentifier;
        var aki = certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().FirstOrDefault()?.KeyIdentifier;
        return new MapCertificate(
            SpkiPin.FromCertificate(certificate),
            CertificateFingerprint.FromCertificate(certificate),
            Clean(name),
            Clean(o ?? ou ?? name),
            certificate.SubjectName.RawData,
            certificate.IssuerName.RawData,
            ski,
            aki is { } id ? Convert.ToHexString(id.Span) : null,
            new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero));
    }

    /// <summary>The map is tab- and line-separated: a name never carries either.</summary>
    private static string Clean(string text) => string.Join(' ', text.Split(['\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();

    /// <summary>True when <paramref name="issuer"/> may have signed this certificate: its name, and its key id where both carry one.</summary>
    public bool IssuedBy(MapCertificate issuer) =>
        IssuerKey == issuer.SubjectKey && (AuthorityKeyId is null || issuer.KeyId is null || string.Equals(AuthorityKeyId, issuer.KeyId, StringComparison.OrdinalIgnoreCase));
}
