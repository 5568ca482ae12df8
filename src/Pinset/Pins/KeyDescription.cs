using System.Formats.Asn1;

namespace Pinset;

/// <summary>Names the algorithm and size of a SubjectPublicKeyInfo for people to read: "RSA 2048", "EC P-256", "Ed25519".</summary>
internal static class KeyDescription
{
    public static string Describe(ReadOnlySpan<byte> spki)
    {
        try
        {
            var reader = new AsnReader(spki.ToArray(), AsnEncodingRules.BER).ReadSequence();
            var algorithm = reader.ReadSequence();
            string oid = algorithm.ReadObjectIdentifier();
            string? parameter = algorithm.HasData && algorithm.PeekTag() == Asn1Tag.ObjectIdentifier ? algorithm.ReadObjectIdentifier() : null;
            return oid switch
            {
                "1.2.840.113549.1.1.1" => $"RSA {RsaBits(reader.ReadBitString(out _))}",
                "1.2.840.113549.1.1.10" => $"RSA-PSS {RsaBits(reader.ReadBitString(out _))}",
                "1.2.840.10045.2.1" => "EC " + parameter switch
                {
                    "1.2.840.10045.3.1.7" => "P-256",
                    "1.3.132.0.34" => "P-384",
                    "1.3.132.0.35" => "P-521",
                    "1.3.132.0.10" => "secp256k1",
                    null => "(explicit curve)",
                    _ => parameter,
                },
                "1.3.101.112" => "Ed25519",
                "1.3.101.113" => "Ed448",
                "1.3.101.110" => "X25519",
                _ => oid,
            };
        }
        catch (AsnContentException)
        {
            return "unknown";
        }
    }

    private static int RsaBits(byte[] rsaPublicKey)
    {
        var modulus = new AsnReader(rsaPublicKey, AsnEncodingRules.BER).ReadSequence().ReadIntegerBytes().Span;
        while (modulus.Length > 0 && modulus[0] == 0)
        {
            modulus = modulus[1..];
        }

        return modulus.IsEmpty ? 0 : ((modulus.Length - 1) * 8) + 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)modulus[0]);
    }
}
