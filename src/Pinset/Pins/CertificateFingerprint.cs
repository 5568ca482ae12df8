using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace Pinset;

/// <summary>
/// A certificate pin: the SHA-256 of a whole DER certificate, as <c>openssl x509 -fingerprint -sha256</c> prints it.
/// It pins one exact certificate and breaks at every renewal; prefer <see cref="SpkiPin"/> unless you must.
/// </summary>
public readonly struct CertificateFingerprint : IEquatable<CertificateFingerprint>
{
    private readonly Sha256Digest _digest;

    private CertificateFingerprint(Sha256Digest digest) => _digest = digest;

    internal Sha256Digest Digest => _digest;

    /// <summary>The fingerprint of a DER certificate.</summary>
    public static CertificateFingerprint FromDer(ReadOnlySpan<byte> derCertificate) => new(Sha256Digest.Hash(derCertificate));

    /// <summary>The fingerprint of a certificate.</summary>
    public static CertificateFingerprint FromCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return FromDer(certificate.RawDataMemory.Span);
    }

    /// <summary>
    /// Parses 64 hexadecimal digits, with or without colons between the bytes, optionally after openssl's
    /// <c>sha256 Fingerprint=</c> or <c>SHA256 Fingerprint=</c> label.
    /// </summary>
    /// <exception cref="PinsetFormatException">The value is not a SHA-256 fingerprint.</exception>
    public static CertificateFingerprint Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return TryParse(value, out var fingerprint, out var error) ? fingerprint : throw new PinsetFormatException(error);
    }

    /// <summary>Parses a fingerprint as <see cref="Parse(string)"/> does; returns false instead of throwing.</summary>
    public static bool TryParse(string? value, out CertificateFingerprint fingerprint) => TryParse(value, out fingerprint, out _);

    internal static bool TryParse(string? value, out CertificateFingerprint fingerprint, out string error)
    {
        fingerprint = default;
        var text = (value ?? string.Empty).AsSpan().Trim();
        int equals = text.IndexOf('=');
        if (equals >= 0 && text[..equals].Contains("fingerprint", StringComparison.OrdinalIgnoreCase))
        {
            text = text[(equals + 1)..].Trim();
        }

        Span<byte> bytes = stackalloc byte[Sha256Digest.Size];
        bool colons = text.Contains(':');
        int expectedLength = colons ? (Sha256Digest.Size * 3) - 1 : Sha256Digest.Size * 2;
        bool ok = text.Length == expectedLength;
        for (int i = 0; ok && i < Sha256Digest.Size; i++)
        {
            int at = colons ? i * 3 : i * 2;
            ok = (!colons || i == 0 || text[at - 1] == ':')
                && byte.TryParse(text.Slice(at, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bytes[i]);
        }

        if (!ok)
        {
            error = $"Certificate fingerprint '{value}' is not a SHA-256 fingerprint; expected 64 hexadecimal digits, with or without colons between bytes (as 'openssl x509 -fingerprint -sha256' prints).";
            return false;
        }

        fingerprint = new CertificateFingerprint(Sha256Digest.FromBytes(bytes));
        error = string.Empty;
        return true;
    }

    /// <summary>Upper-case hex with colons, as openssl prints it.</summary>
    public override string ToString() => _digest.ToHex(':');

    /// <inheritdoc />
    public bool Equals(CertificateFingerprint other) => _digest.Equals(other._digest);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is CertificateFingerprint other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _digest.GetHashCode();

    /// <summary>Compares two fingerprints.</summary>
    public static bool operator ==(CertificateFingerprint left, CertificateFingerprint right) => left.Equals(right);

    /// <summary>Compares two fingerprints.</summary>
    public static bool operator !=(CertificateFingerprint left, CertificateFingerprint right) => !left.Equals(right);
}
