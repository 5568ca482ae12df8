namespace Pinset.Formats;

/// <summary>What a <see cref="PinSource"/> was read from.</summary>
public enum PinSourceKind
{
    /// <summary>An X.509 certificate.</summary>
    Certificate,

    /// <summary>A public key (SubjectPublicKeyInfo, or PKCS#1 <c>RSA PUBLIC KEY</c>).</summary>
    PublicKey,

    /// <summary>A PKCS#10 certificate signing request.</summary>
    CertificateRequest,
}
