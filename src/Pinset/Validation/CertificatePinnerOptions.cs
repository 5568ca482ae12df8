using System.Security.Cryptography.X509Certificates;

namespace Pinset;

/// <summary>How a <see cref="CertificatePinner"/> validates, beyond the policy itself.</summary>
public sealed record CertificatePinnerOptions
{
    /// <summary>The clock policy expiry is read from. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Root certificates to trust instead of the system store, like curl's <c>--cacert</c>: a private exchange CA or a
    /// test CA. Null (the default) trusts the system store; an empty collection is refused when the pinner is built,
    /// never read as "the system store". This replaces the trust anchors; it never skips validation, and pins are still
    /// checked on the chain built to these roots.
    /// </summary>
    public X509Certificate2Collection? CustomTrustRoots { get; init; }

    /// <summary>
    /// Check revocation online (OCSP or CRL) while building the chain. Default: false, as for SslStream and HttpClient;
    /// turn it on where the network allows the extra round trips.
    /// </summary>
    public bool CheckCertificateRevocation { get; init; }

    /// <summary>
    /// Called with every result, allowed or not, from the adapters' callbacks, direct <c>Validate</c> calls and the
    /// re-checks of pooled connections: for logging, metrics and reports. Keep it fast; if it throws, the connection is
    /// refused (fail closed), and a direct <c>Validate</c> call throws.
    /// </summary>
    public Action<PinValidationResult>? OnValidated { get; init; }

    /// <summary>
    /// Accept a chain the platform validated under a relaxed chain policy: <c>CertificateChainPolicy</c> flags that
    /// ignore errors (an unknown CA, an expired or not-yet-valid certificate, a bad usage), a fixed verification time,
    /// or trust anchors set by hand rather than through <see cref="CustomTrustRoots"/>. Default: false, and any of these
    /// is refused when pinning is installed and again during the handshake. Set it only when you have decided that the
    /// pins alone must carry the trust for such a connection; a refused relaxation is a safer default than a silent one.
    /// </summary>
    public bool DangerousAcceptRelaxedChainPolicy { get; init; }

    /// <summary>
    /// The map of CA operators that failure blocks name the chain's CAs with, and say what changed ("the server now
    /// presents Google Trust Services WR1; the policy pins Let's Encrypt (R11)"). Null (the default) is
    /// <see cref="CertificateAuthorityMap.BuiltIn"/>, read only when the first block with a chain is written; give a map of
    /// your own PKI (<see cref="CertificateAuthorityMap.Parse"/>) to name its CAs too. The map never changes a verdict.
    /// </summary>
    public CertificateAuthorityMap? CertificateAuthorities { get; init; }

    internal bool HasCustomTrust => CustomTrustRoots is { Count: > 0 };
}
