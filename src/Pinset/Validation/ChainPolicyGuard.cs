using System.Security.Cryptography.X509Certificates;

namespace Pinset;

/// <summary>
/// Finds chain policies that relax the platform's validation: flags that ignore errors, a fixed verification time, or
/// trust anchors other than the pinner's. Pinning on top of relaxed validation would accept what the platform refuses,
/// so Pinset refuses such a policy when it pins and again during the handshake (where a policy set after pinning shows),
/// unless <see cref="CertificatePinnerOptions.DangerousAcceptRelaxedChainPolicy"/> is set.
/// </summary>
internal static class ChainPolicyGuard
{
    /// <summary>What relaxes validation, in words, or null when nothing does.</summary>
    public static string? Relaxation(X509ChainPolicy policy, CertificatePinnerOptions options)
    {
        if (options.DangerousAcceptRelaxedChainPolicy)
        {
            return null;
        }

        if (policy.VerificationFlags != X509VerificationFlags.NoFlag)
        {
            return $"its VerificationFlags are '{policy.VerificationFlags}', which ignore errors the platform would refuse";
        }

        if (!policy.VerificationTimeIgnored)
        {
            return $"its VerificationTime is fixed at {policy.VerificationTime.ToUniversalTime():yyyy-MM-dd'T'HH:mm:ss'Z'}, so expired certificates can pass";
        }

        if (policy.TrustMode == X509ChainTrustMode.CustomRootTrust && !(options.HasCustomTrust && CertificateSet.ContainsAll(options.CustomTrustRoots!, policy.CustomTrustStore)))
        {
            return options.HasCustomTrust
                ? "its TrustMode is 'CustomRootTrust' with roots other than CertificatePinnerOptions.CustomTrustRoots"
                : "its TrustMode is 'CustomRootTrust' with roots set by hand, not through CertificatePinnerOptions.CustomTrustRoots";
        }

        return null;
    }
}
