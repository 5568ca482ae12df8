using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pinset.Formats;

/// <summary>
/// A key read from a file or from bytes, with its pin: a certificate (PEM or DER; a PEM bundle gives one each,
/// in file order), a PEM public key, or a PEM or DER certificate signing request. This is how a pin is computed
/// for a key that is not yet on any server, such as a backup key.
/// </summary>
public sealed record PinSource
{
    private PinSource(PinSourceKind kind, SpkiPin pin, string keyAlgorithm)
    {
        Kind = kind;
        Pin = pin;
        KeyAlgorithm = keyAlgorithm;
    }

    /// <summary>What the key was read from.</summary>
    public PinSourceKind Kind { get; }

    /// <summary>The pin of the key.</summary>
    public SpkiPin Pin { get; }

    /// <summary>The key's algorithm and size, such as <c>RSA 2048</c>, <c>EC P-256</c> or <c>Ed25519</c>.</summary>
    public string KeyAlgorithm { get; }

    /// <summary>The subject of a certificate or request; null for a bare key.</summary>
    public string? Subject { get; private init; }

    /// <summary>The issuer of a certificate; null otherwise.</summary>
    public string? Issuer { get; private init; }

    /// <summary>When a certificate expires; null otherwise.</summary>
    public DateTimeOffset? NotAfter { get; private init; }

    /// <summary>The SHA-256 fingerprint of a certificate; null otherwise.</summary>
    public CertificateFingerprint? Fingerprint { get; private init; }

    /// <summary>
    /// True for a certificate whose basic constraints make it a CA's; false for any other certificate, key or request.
    /// A CA key's pin never matches where only the server's own key is compared (curl's <c>--pinnedpubkey</c>).
    /// </summary>
    public bool IsCertificateAuthority { get; private init; }

    /// <summary>Reads every key in PEM text or DER bytes, in order.</summary>
    /// <exception cref="PinsetFormatException">
    /// The content is empty, is neither PEM nor DER, holds a PEM block that is truncated or is not a certificate,
    /// public key or request, or holds no key at all.
    /// </exception>
    public static IReadOnlyList<PinSource> ReadAll(ReadOnlySpan<byte> content, string sourceName = "input")
    {
        if (content.IsEmpty)
        {
            throw new PinsetFormatException($"'{sourceName}' is empty; expected a PEM or DER certificate, public key or certificate signing request.");
        }

        return PemText.LooksLikePem(content)
            ? ReadPem(PemText.Decode(content, sourceName), sourceName)
            : [ReadDer(content, sourceName)];
    }

    /// <summary>Reads the one key of a DER certificate, SubjectPublicKeyInfo or certificate signing request.</summary>
    /// <exception cref="PinsetFormatException">The bytes are none of those.</exception>
    public static PinSource ReadDer(ReadOnlySpan<byte> der, string sourceName = "input")
    {
        if (!Der.TryLocate(der, out var kind, out var spkiRange, out var subjectRange))
        {
            throw new PinsetFormatException($"'{sourceName}' is not a DER certificate, public key or certificate signing request, nor PEM text ({der.Length} bytes, starting {Convert.ToHexString(der[..Math.Min(8, der.Length)])}).");
        }

        var spki = der[spkiRange];
        return kind switch
        {
            DerKind.Certificate => FromCertificate(der, spki, sourceName),
            DerKind.CertificateRequest => new PinSource(PinSourceKind.CertificateRequest, SpkiPin.FromSubjectPublicKeyInfo(spki), KeyDescription.Describe(spki))
            {
                Subject = SubjectOfRequest(der[subjectRange], sourceName),
            },
            _ => new PinSource(PinSourceKind.PublicKey, SpkiPin.FromSubjectPublicKeyInfo(spki), KeyDescription.Describe(spki)),
        };
    }

    private static PinSource FromCertificate(ReadOnlySpan<byte> der, ReadOnlySpan<byte> spki, string sourceName)
    {
        // The platform reads some fields lazily, so a malformed date or name surfaces on first access: read them all here.
        try
        {
            using var certificate = X509CertificateLoader.LoadCertificate(der);
            return new PinSource(PinSourceKind.Certificate, SpkiPin.FromSubjectPublicKeyInfo(spki), KeyDescription.Describe(spki))
            {
                Subject = Printable.Escape(certificate.Subject),
                Issuer = Printable.Escape(certificate.Issuer),
                NotAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
                Fingerprint = CertificateFingerprint.FromDer(der),
                IsCertificateAuthority = certificate.Extensions["2.5.29.19"] is X509BasicConstraintsExtension { CertificateAuthority: true },
            };
        }
        catch (CryptographicException ex)
        {
            throw new PinsetFormatException($"'{sourceName}' holds a certificate that cannot be read: {ex.Message}", ex);
        }
    }

    private static string SubjectOfRequest(ReadOnlySpan<byte> name, string sourceName)
    {
        try
        {
            return Printable.Escape(new X500DistinguishedName(name).Name);
        }
        catch (CryptographicException ex)
        {
            throw new PinsetFormatException($"'{sourceName}' holds a certificate signing request whose subject name cannot be read: {ex.Message}", ex);
        }
    }

    private static List<PinSource> ReadPem(IReadOnlyList<PemText.Block> blocks, string sourceName)
    {
        var sources = new List<PinSource>();
        foreach (var block in blocks)
        {
            var expected = block.Label switch
            {
                "CERTIFICATE" or "X509 CERTIFICATE" or "TRUSTED CERTIFICATE" => (DerKind?)DerKind.Certificate,
                "PUBLIC KEY" => DerKind.SubjectPublicKeyInfo,
                "CERTIFICATE REQUEST" or "NEW CERTIFICATE REQUEST" => DerKind.CertificateRequest,
                "RSA PUBLIC KEY" => null,
                _ when block.Label.Contains("PRIVATE KEY", StringComparison.Ordinal) => throw new PinsetFormatException(
                    $"'{sourceName}' holds a '{block.Label}' block; Pinset reads public material only. Give the certificate, the public key ('openssl pkey -pubout') or the certificate signing request instead."),
                _ => throw new PinsetFormatException(
                    $"'{sourceName}' holds a PEM block labelled '{block.Label}'; expected CERTIFICATE, PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE REQUEST."),
            };

            var der = expected is null ? RsaToSpki(block, sourceName) : block.Der;
            var source = ReadDer(der, sourceName);
            if (expected is { } kind && source.Kind != ToSourceKind(kind))
            {
                throw new PinsetFormatException($"'{sourceName}' holds a PEM block labelled '{block.Label}' whose content is a {source.Kind}, not what the label says.");
            }

            sources.Add(source);
        }

        return sources;
    }

    private static PinSourceKind ToSourceKind(DerKind kind) => kind switch
    {
        DerKind.Certificate => PinSourceKind.Certificate,
        DerKind.CertificateRequest => PinSourceKind.CertificateRequest,
        _ => PinSourceKind.PublicKey,
    };

    private static byte[] RsaToSpki(PemText.Block block, string sourceName)
    {
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportRSAPublicKey(block.Der, out int read);
            return read == block.Der.Length
                ? rsa.ExportSubjectPublicKeyInfo()
                : throw new PinsetFormatException($"'{sourceName}' holds an RSA PUBLIC KEY block with {block.Der.Length - read} bytes after the key.");
        }
        catch (CryptographicException ex)
        {
            throw new PinsetFormatException($"'{sourceName}' holds an RSA PUBLIC KEY block that is not a PKCS#1 RSA public key: {ex.Message}", ex);
        }
    }
}
