namespace Pinset.Testing;

/// <summary>The key types test keys and certificates are generated with.</summary>
public enum TestKeyKind
{
    /// <summary>ECDSA on NIST P-256, the default: fast to generate.</summary>
    EcP256,

    /// <summary>ECDSA on NIST P-384.</summary>
    EcP384,

    /// <summary>ECDSA on NIST P-521.</summary>
    EcP521,

    /// <summary>RSA with a 2048-bit modulus.</summary>
    Rsa2048,
}
