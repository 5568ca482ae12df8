namespace Pinset.TestSupport;

/// <summary>The key types test certificates are generated with.</summary>
public enum TestKeyKind
{
    EcP256,
    EcP384,
    EcP521,
    Rsa2048,
}
