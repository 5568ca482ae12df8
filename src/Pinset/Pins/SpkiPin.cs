using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography.X509Certificates;

namespace Pinset;

/// <summary>
/// A public-key pin: the SHA-256 of a certificate's DER SubjectPublicKeyInfo, written <c>sha256/&lt;base64&gt;</c>.
/// It survives certificate renewal as long as the key is kept, which is why it is the default kind of pin.
/// </summary>
public readonly struct SpkiPin : IEquatable<SpkiPin>
{
    /// <summary>The prefix of the canonical form, <c>sha256/</c>.</summary>
    public const string Prefix = "sha256/";

    private const string CurlPrefix = "sha256//";
    private const string HpkpPrefix = "pin-sha256=";
    private const int Base64Length = 44;

    private readonly Sha256Digest _digest;

    private SpkiPin(Sha256Digest digest) => _digest = digest;

    internal Sha256Digest Digest => _digest;

    /// <summary>The 32 bytes of the SHA-256.</summary>
    public ReadOnlySpan<byte> ToBytes() => _digest.ToArray();

    /// <summary>The pin of a DER SubjectPublicKeyInfo, as given.</summary>
    public static SpkiPin FromSubjectPublicKeyInfo(ReadOnlySpan<byte> subjectPublicKeyInfo) => new(Sha256Digest.Hash(subjectPublicKeyInfo));

    /// <summary>Creates a pin from its 32 SHA-256 bytes.</summary>
    /// <exception cref="PinsetFormatException">The value is not 32 bytes long.</exception>
    public static SpkiPin FromSha256(ReadOnlySpan<byte> sha256)
    {
        if (sha256.Length != Sha256Digest.Size)
        {
            throw new PinsetFormatException($"A SHA-256 pin is {Sha256Digest.Size} bytes; {Plural.Count(sha256.Length, "byte")} {(sha256.Length == 1 ? "was" : "were")} given.");
        }

        return new SpkiPin(Sha256Digest.FromBytes(sha256));
    }

    /// <summary>The pin of a certificate's public key.</summary>
    /// <exception cref="PinsetFormatException">The certificate's DER has no SubjectPublicKeyInfo where X.509 puts it.</exception>
    public static SpkiPin FromCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return TryFromCertificate(certificate.RawDataMemory.Span, out var pin)
            ? pin
            : throw new PinsetFormatException($"The certificate '{certificate.Subject}' is not a well-formed X.509 certificate; its public key could not be found.");
    }

    /// <summary>The pin of a DER certificate's public key, without allocating.</summary>
    public static bool TryFromCertificate(ReadOnlySpan<byte> derCertificate, out SpkiPin pin)
    {
        if (Der.TryGetCertificateSpki(derCertificate, out var spki))
        {
            pin = FromSubjectPublicKeyInfo(spki);
            return true;
        }

        pin = default;
        return false;
    }

    /// <summary>
    /// Parses <c>sha256/&lt;base64&gt;</c>, HPKP's <c>pin-sha256="&lt;base64&gt;"</c> or curl's <c>sha256//&lt;base64&gt;</c>.
    /// The base64 must be standard (not URL-safe), padded, and decode to exactly 32 bytes.
    /// </summary>
    /// <exception cref="PinsetFormatException">The value is not a pin in one of those forms.</exception>
    public static SpkiPin Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return TryParse(value, out var pin, out var error) ? pin : throw new PinsetFormatException(error);
    }

    /// <summary>Parses a pin as <see cref="Parse(string)"/> does; returns false instead of throwing.</summary>
    public static bool TryParse(string? value, out SpkiPin pin) => TryParse(value, out pin, out _);

    internal static bool TryParse(string? value, out SpkiPin pin, out string error)
    {
        pin = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            error = "A pin is empty; expected 'sha256/' followed by the base64 of a 32-byte SHA-256 (44 characters).";
            return false;
        }

        var text = value.AsSpan().Trim();
        ReadOnlySpan<char> base64;
        // "sha256//..." is curl's prefix, or ours before a base64 that starts with '/': the length tells them apart.
        if (text.StartsWith(CurlPrefix, StringComparison.OrdinalIgnoreCase) && text.Length != Prefix.Length + Base64Length)
        {
            base64 = text[CurlPrefix.Length..];
        }
        else if (text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            base64 = text[Prefix.Length..];
        }
        else if (text.StartsWith(HpkpPrefix, StringComparison.OrdinalIgnoreCase))
        {
            base64 = text[HpkpPrefix.Length..];
            if (base64.Length < 2 || base64[0] != '"' || base64[^1] != '"')
            {
                error = $"Pin '{value}' is an HPKP pin without quotes; expected pin-sha256=\"<base64>\".";
                return false;
            }

            base64 = base64[1..^1];
        }
        else
        {
            error = $"Pin '{value}' does not start with 'sha256/'; expected 'sha256/<base64>', 'sha256//<base64>' (curl) or 'pin-sha256=\"<base64>\"' (HPKP).";
            return false;
        }

        Span<byte> bytes = stackalloc byte[Sha256Digest.Size + 3];
        if (base64.Length != Base64Length || Base64.IsValid(base64, out int decodedLength) is false || decodedLength != Sha256Digest.Size
            || !Convert.TryFromBase64Chars(base64, bytes, out int written) || written != Sha256Digest.Size)
        {
            error = DescribeBadBase64(value, base64);
            return false;
        }

        pin = new SpkiPin(Sha256Digest.FromBytes(bytes[..Sha256Digest.Size]));
        error = string.Empty;
        return true;
    }

    private static string DescribeBadBase64(string value, ReadOnlySpan<char> base64)
    {
        int foreign = base64.IndexOfAnyExcept(Base64Alphabet.Characters);
        if (foreign >= 0)
        {
            return $"Pin '{value}' has '{base64[foreign]}' at character {foreign + 1} of its base64, which standard base64 does not use (A-Z, a-z, 0-9, '+', '/', '=' padding)"
                + (base64[foreign] is '-' or '_' ? "; '-' and '_' are URL-safe base64, which no pin form uses." : "; a SHA-256 pin is 44 base64 characters.");
        }

        int padding = base64.IndexOf('=');
        if (padding >= 0 && base64[padding..].ContainsAnyExcept('='))
        {
            return $"Pin '{value}' has '=' padding inside its base64; '=' may only end it.";
        }

        if (Base64.IsValid(base64, out int length) && length != Sha256Digest.Size)
        {
            return $"Pin '{value}' is {Plural.Count(length, "byte")} long; a SHA-256 pin is 32 bytes (44 base64 characters).";
        }

        if (base64.Length == Base64Length && padding == Base64Length - 1)
        {
            // Well-formed but for its last character: 32 bytes leave its two low bits unused, and canonical base64 sets them to zero.
            return $"Pin '{value}' is not canonical base64: the character before '=' is '{base64[^2]}', which sets bits that a 32-byte SHA-256 leaves zero, so no key has this pin. "
                + "Check that it was copied whole and unchanged (in a pin that is, that character is one of A, E, I, M, Q, U, Y, c, g, k, o, s, w, 0, 4, 8).";
        }

        return $"Pin '{value}' is {Plural.Count(base64.Length, "base64 character")}{(padding < 0 ? " without '=' padding" : string.Empty)}; a SHA-256 pin is 44, ending in one '='.";
    }

    /// <summary>The characters of standard base64; in a class of its own, so only a bad pin pays for building it.</summary>
    private static class Base64Alphabet
    {
        public static readonly SearchValues<char> Characters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=");
    }

    /// <summary>The canonical form, <c>sha256/&lt;base64&gt;</c>.</summary>
    public override string ToString() => Prefix + _digest.ToBase64();

    /// <summary>The base64 of the SHA-256 alone.</summary>
    public string ToBase64() => _digest.ToBase64();

    /// <summary>HPKP's form, <c>pin-sha256="&lt;base64&gt;"</c> (RFC 7469).</summary>
    public string ToHpkpString() => $"{HpkpPrefix}\"{_digest.ToBase64()}\"";

    /// <summary>curl's form, <c>sha256//&lt;base64&gt;</c>, as <c>--pinnedpubkey</c> takes it.</summary>
    public string ToCurlString() => CurlPrefix + _digest.ToBase64();

    /// <inheritdoc />
    public bool Equals(SpkiPin other) => _digest.Equals(other._digest);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SpkiPin other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _digest.GetHashCode();

    /// <summary>Compares two pins.</summary>
    public static bool operator ==(SpkiPin left, SpkiPin right) => left.Equals(right);

    /// <summary>Compares two pins.</summary>
    public static bool operator !=(SpkiPin left, SpkiPin right) => !left.Equals(right);
}
