using System.Security.Cryptography.X509Certificates;

namespace Pinset;

/// <summary>
/// The certificates of a validated chain as DER, leaf first: the platform's chain during a handshake, or the copy a
/// pooled connection keeps so it can be judged again when the policy changes. A struct constraint lets the matcher run
/// on either without allocating or boxing.
/// </summary>
internal interface IChainDer
{
    int Count { get; }

    ReadOnlySpan<byte> Der(int index);

    string Subject(int index);
}

/// <summary>The platform's chain, during the handshake.</summary>
internal readonly struct ElementDer(X509ChainElementCollection elements) : IChainDer
{
    public int Count => elements.Count;

    public ReadOnlySpan<byte> Der(int index) => elements[index].Certificate.RawDataMemory.Span;

    public string Subject(int index) => Printable.Escape(elements[index].Certificate.Subject);
}

/// <summary>A chain kept after the handshake: the DER of each certificate, held without copying.</summary>
internal readonly struct StoredDer(ReadOnlyMemory<byte>[] certificates) : IChainDer
{
    public int Count => certificates.Length;

    public ReadOnlySpan<byte> Der(int index) => certificates[index].Span;

    public string Subject(int index)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(certificates[index].Span);
        return Printable.Escape(certificate.Subject);
    }
}
