namespace Pinset.Testing;

/// <summary>How an <see cref="InterceptingProxy"/> signs the certificates it presents.</summary>
public sealed class InterceptingProxyOptions
{
    /// <summary>
    /// The CA that signs a certificate for each host the proxy intercepts. Default (null): a new root CA named
    /// "Pinset.Testing Interceptor CA", disposed with the proxy; a CA given here stays the caller's.
    /// </summary>
    public TestCertificateAuthority? CertificateAuthority { get; set; }

    /// <summary>The key kind of the generated CA and of the certificates it signs. Default: <see cref="TestKeyKind.EcP256"/>.</summary>
    public TestKeyKind KeyKind { get; set; } = TestKeyKind.EcP256;
}
