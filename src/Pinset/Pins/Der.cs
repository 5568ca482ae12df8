using System.Formats.Asn1;

namespace Pinset;

/// <summary>What a DER structure holds a public key in.</summary>
internal enum DerKind
{
    Certificate,
    CertificateRequest,
    SubjectPublicKeyInfo,
}

/// <summary>
/// Finds the SubjectPublicKeyInfo inside an X.509 certificate, a PKCS#10 request or a bare key, by walking
/// the DER without copying it. Nothing here allocates on success; malformed input returns false.
/// </summary>
internal static class Der
{
    private const AsnEncodingRules Rules = AsnEncodingRules.BER;
    private static readonly Asn1Tag ContextZero = new(TagClass.ContextSpecific, 0, isConstructed: true);

    /// <summary>Classifies <paramref name="data"/> and locates its key and, where it has one, its subject name.</summary>
    public static bool TryLocate(ReadOnlySpan<byte> data, out DerKind kind, out Range spki, out Range subject)
    {
        kind = default;
        spki = subject = default;
        try
        {
            return TryLocateCore(data, out kind, out spki, out subject);
        }
        catch (AsnContentException)
        {
            return false;
        }
    }

    /// <summary>Locates the SubjectPublicKeyInfo of a DER certificate.</summary>
    public static bool TryGetCertificateSpki(ReadOnlySpan<byte> certificate, out ReadOnlySpan<byte> spki)
    {
        if (TryLocate(certificate, out var kind, out var range, out _) && kind == DerKind.Certificate)
        {
            spki = certificate[range];
            return true;
        }

        spki = default;
        return false;
    }

    private static bool TryLocateCore(ReadOnlySpan<byte> data, out DerKind kind, out Range spki, out Range subject)
    {
        kind = default;
        spki = subject = default;
        if (data.IsEmpty || !Read(data, 0, data.Length, out var outer) || outer.Next != data.Length || outer.Tag != Asn1Tag.Sequence)
        {
            return false;
        }

        Span<Tlv> top = stackalloc Tlv[3];
        int topCount = ReadAll(data, outer.ContentStart, outer.ContentEnd, top);
        if (topCount == 2 && IsSpki(data, outer))
        {
            kind = DerKind.SubjectPublicKeyInfo;
            spki = new Range(0, data.Length);
            return true;
        }

        if (topCount != 3 || top[0].Tag != Asn1Tag.Sequence || top[1].Tag != Asn1Tag.Sequence || top[2].Tag != Asn1Tag.PrimitiveBitString)
        {
            return false;
        }

        Span<Tlv> body = stackalloc Tlv[7];
        int bodyCount = ReadAll(data, top[0].ContentStart, top[0].ContentEnd, body);
        int first = bodyCount > 0 && body[0].Tag == ContextZero ? 1 : 0;
        if (bodyCount < first + 4 || body[first].Tag != Asn1Tag.Integer)
        {
            return false;
        }

        Tlv key;
        Tlv name;
        if (first == 0 && body[3].Tag == ContextZero)
        {
            // CertificationRequestInfo ::= SEQUENCE { version, subject, subjectPKInfo, attributes [0] }
            kind = DerKind.CertificateRequest;
            name = body[1];
            key = body[2];
        }
        else if (bodyCount >= first + 6)
        {
            // TBSCertificate ::= SEQUENCE { [0] version?, serial, signature, issuer, validity, subject, subjectPublicKeyInfo, ... }
            kind = DerKind.Certificate;
            name = body[first + 4];
            key = body[first + 5];
        }
        else
        {
            return false;
        }

        if (name.Tag != Asn1Tag.Sequence || !IsSpki(data, key))
        {
            return false;
        }

        spki = new Range(key.Start, key.Next);
        subject = new Range(name.Start, name.Next);
        return true;
    }

    /// <summary>SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }.</summary>
    private static bool IsSpki(ReadOnlySpan<byte> data, Tlv candidate)
    {
        if (candidate.Tag != Asn1Tag.Sequence)
        {
            return false;
        }

        Span<Tlv> parts = stackalloc Tlv[3];
        if (ReadAll(data, candidate.ContentStart, candidate.ContentEnd, parts) != 2
            || parts[0].Tag != Asn1Tag.Sequence
            || parts[1].Tag != Asn1Tag.PrimitiveBitString
            || !Read(data, parts[0].ContentStart, parts[0].ContentEnd, out var algorithm))
        {
            return false;
        }

        return algorithm.Tag == Asn1Tag.ObjectIdentifier;
    }

    /// <summary>Reads consecutive elements into <paramref name="into"/>; returns how many there are, or more than fit.</summary>
    private static int ReadAll(ReadOnlySpan<byte> data, int start, int end, Span<Tlv> into)
    {
        int count = 0;
        int position = start;
        while (position < end)
        {
            if (!Read(data, position, end, out var element))
            {
                return -1;
            }

            if (count < into.Length)
            {
                into[count] = element;
            }

            count++;
            position = element.Next;
        }

        return count;
    }

    private static bool Read(ReadOnlySpan<byte> data, int start, int end, out Tlv element)
    {
        var tag = AsnDecoder.ReadEncodedValue(data[start..end], Rules, out int contentOffset, out int contentLength, out int consumed);
        element = new Tlv(tag, start, start + contentOffset, start + contentOffset + contentLength, start + consumed);
        return true;
    }

    private readonly record struct Tlv(Asn1Tag Tag, int Start, int ContentStart, int ContentEnd, int Next);
}
