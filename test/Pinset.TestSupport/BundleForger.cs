using System.Security.Cryptography;
using System.Text;

namespace Pinset.TestSupport;

/// <summary>
/// Forged, altered and malformed pin bundles, built from a good bundle's parts as an attacker would (not with
/// PinBundle's own code): the hostile inputs the core verifier and the bundle source must refuse.
/// </summary>
public sealed class BundleForger(ECDsa trustedKey, ECDsa otherKey)
{
    /// <summary>Every forgery <see cref="Forge"/> makes from a good bundle alone.</summary>
    public static string[] Kinds { get; } =
    [
        "alg-none", "alg-none-empty-signature", "hs256-with-public-key", "trusted-kid-other-key", "payload-altered", "der-signature",
        "padded-base64", "standard-base64", "two-parts", "embedded-jwk", "crit", "duplicate-alg", "wrong-typ", "header-not-json",
        "payload-extra-member", "payload-version-twice", "payload-version-text", "payload-local-time", "payload-no-backup-pin", "payload-no-pinning",
        "payload-comment", "payload-bom", "header-trailing-json",
    ];

    public string Forge(string kind, string good)
    {
        var parts = good.Trim().Split('.');
        string header = Text(parts[0]), payload = Text(parts[1]), signature = parts[2];
        return kind switch
        {
            "alg-none" => $"{Encode(header.Replace("ES256", "none", StringComparison.Ordinal))}.{parts[1]}.{signature}",
            "alg-none-empty-signature" => $"{Encode(header.Replace("ES256", "none", StringComparison.Ordinal))}.{parts[1]}.",
            "hs256-with-public-key" => Hs256(header.Replace("ES256", "HS256", StringComparison.Ordinal), parts[1]),
            "trusted-kid-other-key" => SignedBy(otherKey, header, payload),
            "payload-altered" => $"{parts[0]}.{Encode(payload.Replace("\"version\":", "\"version\":1", StringComparison.Ordinal))}.{signature}",
            "der-signature" => $"{parts[0]}.{parts[1]}.{Base64Url(DerSignature(Decode(signature)))}",
            "padded-base64" => $"{parts[0]}.{parts[1]}.{signature}==",
            "standard-base64" => $"{parts[0]}.{parts[1].Replace('-', '+').Replace('_', '/')}+/.{signature}",
            "two-parts" => $"{parts[0]}.{parts[1]}",
            "embedded-jwk" => SignedBy(trustedKey, header[..^1] + ",\"jwk\":{\"kty\":\"EC\"}}", payload),
            "crit" => SignedBy(trustedKey, header[..^1] + ",\"crit\":[\"exp\"]}", payload),
            "duplicate-alg" => SignedBy(trustedKey, header[..^1] + ",\"alg\":\"none\"}", payload),
            "wrong-typ" => SignedBy(trustedKey, header.Replace("pinset-bundle", "JWT", StringComparison.Ordinal), payload),
            "header-not-json" => SignedBy(trustedKey, "not json", payload),
            "header-trailing-json" => SignedBy(trustedKey, header + "{}", payload),
            "payload-comment" => SignedBy(trustedKey, header, "/*c*/" + payload),
            "payload-bom" => SignedBy(trustedKey, header, "\uFEFF" + payload),
            "payload-extra-member" => SignedBy(trustedKey, header, payload[..^1] + ",\"admin\":true}"),
            "payload-version-twice" => SignedBy(trustedKey, header, payload.Replace("\"version\":", "\"version\":8,\"version\":", StringComparison.Ordinal)),
            "payload-version-text" => SignedBy(trustedKey, header, System.Text.RegularExpressions.Regex.Replace(payload, "\"version\":([0-9]+)", "\"version\":\"$1\"")),
            "payload-local-time" => SignedBy(trustedKey, header, payload.Replace("Z\"", "+02:00\"", StringComparison.Ordinal)),
            "payload-no-backup-pin" => SignedBy(trustedKey, header, OnePin(payload)),
            "payload-no-pinning" => SignedBy(trustedKey, header, payload[..payload.IndexOf(",\"pinning\"", StringComparison.Ordinal)] + "}"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a forgery BundleForger makes."),
        };
    }

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Decode(string part) => Convert.FromBase64String(part.Replace('-', '+').Replace('_', '/').PadRight(part.Length + ((4 - (part.Length % 4)) % 4), '='));

    /// <summary>JWS's r||s signature as the DER ECDSA-Sig-Value openssl writes.</summary>
    public static byte[] DerSignature(byte[] raw)
    {
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(raw.AsSpan(0, 32));
            writer.WriteIntegerUnsigned(raw.AsSpan(32, 32));
        }

        return writer.Encode();
    }

    private static string Text(string part) => Encoding.UTF8.GetString(Decode(part));

    private static string Encode(string json) => Base64Url(Encoding.UTF8.GetBytes(json));

    private static string SignedBy(ECDsa key, string header, string payload)
    {
        var input = $"{Encode(header)}.{Encode(payload)}";
        return $"{input}.{Base64Url(key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256))}";
    }

    /// <summary>The classic confusion: HMAC with the verifier's public key (which is public) as the secret.</summary>
    private string Hs256(string header, string payload)
    {
        var input = $"{Encode(header)}.{payload}";
        return $"{input}.{Base64Url(HMACSHA256.HashData(Encoding.ASCII.GetBytes(trustedKey.ExportSubjectPublicKeyInfoPem()), Encoding.ASCII.GetBytes(input)))}";
    }

    /// <summary>The payload with its first policy's pins cut to the first one: no backup pin, which a policy refuses.</summary>
    private static string OnePin(string payload)
    {
        int pins = payload.IndexOf("\"pins\":[", StringComparison.Ordinal) + "\"pins\":[".Length;
        int comma = payload.IndexOf(',', pins);
        int end = payload.IndexOf(']', pins);
        return comma >= 0 && comma < end ? payload[..comma] + payload[end..] : payload;
    }
}
