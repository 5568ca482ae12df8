using System.Security.Cryptography.X509Certificates;

namespace Pinset;

/// <summary>How a <see cref="CertificatePinner"/> validates, beyond the policy itself.</summary>
public sealed record CertificatePinnerOptions
{
    /// <summary>The clock policy expiry is read from. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Root certificates to trust instead of the system store, like curl's <c>--cacert</c>: a private exchange CA or a
    /// test CA. Null or empty (the default) trusts the system store. This replaces the trust anchors; it never skips
    /// validation, and pins are still checked on the chain built to these roots.
    /// </summary>
    public X509Certificate2Collection? CustomTrustRoots { get; init; }

    /// <summary>
    /// Check revocation online (OCSP or CRL) while building the chain. Default: false, as for SslStream and HttpClient;
    /// turn it on where the network allows the extra round trips.
    /// </summary>
    public bool CheckCertificateRevocation { get; init; }

    /// <summary>
    /// Called with every result on the handshake path, allowed or not: for logging, metrics and reports. Keep it fast;
    /// if it throws, the connection is refused (fail closed).
    /// </summary>
    public Action<PinValidationResult>? OnValidated { get; init; }

    internal bool HasCustomTrust => CustomTrustRoots is { Count: > 0 };
}
