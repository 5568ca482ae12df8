using System.Security.Cryptography;

namespace Pinset;

/// <summary>
/// A public key trusted to sign pin bundles: ECDSA P-256, named by its SPKI pin (a bundle's <c>kid</c>). Several can
/// be trusted at once, so a signing key can be rotated: trust the new key in a release, then sign with it.
/// </summary>
public sealed class PinBundleKey
{
    private const string P256 = "1.2.840.10045.3.1.7";
    private readonly byte[] _subjectPublicKeyInfo;

    private PinBundleKey(byte[] subjectPublicKeyInfo)
    {
        _subjectPublicKeyInfo = subjectPublicKeyInfo;
        Id = SpkiPin.FromSubjectPublicKeyInfo(subjectPublicKeyInfo);
    }

    /// <summary>The key's SPKI pin, which a bundle signed with it names as its <c>kid</c>.</summary>
    public SpkiPin Id { get; }

    /// <summary>The key in an SPKI PEM (<c>-----BEGIN PUBLIC KEY-----</c>), as <c>pinset bundle keygen</c> writes it.</summary>
    /// <exception cref="PinsetFormatException">The text holds no public key, or one that is not ECDSA P-256.</exception>
    public static PinBundleKey FromPublicKeyPem(string pem, string sourceName = "key")
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (PemEncoding.TryFind(pem, out var found) && pem[found.Label].Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            throw new PinsetFormatException($"'{sourceName}' holds a private key ('-----BEGIN {pem[found.Label]}-----'); a trusted bundle key is the public key (NAME.pub from 'pinset bundle keygen'). Whoever has the private key can sign bundles: never ship it with an app.");
        }

        using var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            throw new PinsetFormatException($"'{sourceName}' is not an ECDSA P-256 public key in PEM ('-----BEGIN PUBLIC KEY-----'): {ex.Message}", ex);
        }

        return FromPublicKey(key, sourceName);
    }

    /// <summary>The public half of <paramref name="key"/>.</summary>
    /// <exception cref="PinsetFormatException">The key is not on the P-256 curve.</exception>
    public static PinBundleKey FromPublicKey(ECDsa key, string sourceName = "key")
    {
        ArgumentNullException.ThrowIfNull(key);
        var curve = key.ExportParameters(false).Curve;
        if (!curve.IsNamed || curve.Oid.Value != P256)
        {
            throw new PinsetFormatException($"'{sourceName}' is an ECDSA key on '{curve.Oid.FriendlyName ?? curve.Oid.Value}'; pin bundles are signed with ES256, which is P-256.");
        }

        return new PinBundleKey(key.ExportSubjectPublicKeyInfo());
    }

    /// <summary>True when <paramref name="signature"/> (r||s, 64 bytes) signs <paramref name="data"/> with this key and SHA-256.</summary>
    internal bool Verifies(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        // A fresh instance per check: an ECDsa object is not documented as safe to share between threads.
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(_subjectPublicKeyInfo, out _);
        return signature.Length == 64 && key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <inheritdoc />
    public override string ToString() => Id.ToString();
}
