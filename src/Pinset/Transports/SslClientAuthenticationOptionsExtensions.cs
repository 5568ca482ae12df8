using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Pinset;

/// <summary>Pins raw TLS (FIX sessions, custom protocols) and everything built on <see cref="SslClientAuthenticationOptions"/>.</summary>
public static class SslClientAuthenticationOptionsExtensions
{
    /// <summary>
    /// Installs pinning in SslStream client options: the certificate callback, and, from the pinner's options, the chain
    /// policy for custom trust roots and the revocation mode, so the platform validates with them in one chain build.
    /// Calling it again with the same pinner does nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The options already have another certificate callback, or another pinner; or a chain policy that relaxes the
    /// platform's validation (flags that ignore errors, a fixed verification time, trust anchors set by hand; see
    /// <see cref="CertificatePinnerOptions.DangerousAcceptRelaxedChainPolicy"/>); or a chain policy of their own while the
    /// pinner has custom trust roots: Pinset will not silently replace or build on a decision someone else made.
    /// </exception>
    public static SslClientAuthenticationOptions UseCertificatePinning(this SslClientAuthenticationOptions options, CertificatePinner pinner)
    {
        Pin(options, pinner, "SslClientAuthenticationOptions", trackConnections: false);
        return options;
    }

    /// <summary>Installs pinning and returns the callback in force; a pinned handler asks for one that remembers connections.</summary>
    internal static PinningCallback Pin(SslClientAuthenticationOptions options, CertificatePinner pinner, string owner, bool trackConnections)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(pinner);
        string slot = $"{owner}.RemoteCertificateValidationCallback";
        if (AdapterGuard.AlreadyPinned(options.RemoteCertificateValidationCallback, pinner, slot))
        {
            var existing = (PinningCallback)options.RemoteCertificateValidationCallback!.Target!;
            if (existing.TracksConnections || !trackConnections)
            {
                return existing;
            }
        }
        else
        {
            CheckChainPolicy(options.CertificateChainPolicy, pinner, owner);
            if (pinner.Options.HasCustomTrust)
            {
                // X509ChainPolicy checks revocation online by default; the option decides, as it does without custom roots.
                options.CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    RevocationMode = pinner.Options.CheckCertificateRevocation ? X509RevocationMode.Online : X509RevocationMode.NoCheck,
                };
                options.CertificateChainPolicy.CustomTrustStore.AddRange(pinner.Options.CustomTrustRoots!);
            }

            if (pinner.Options.CheckCertificateRevocation)
            {
                options.CertificateRevocationCheckMode = X509RevocationMode.Online;
            }
        }

        var callback = new PinningCallback(pinner, trackConnections);
        options.RemoteCertificateValidationCallback = callback.OnRemoteCertificate;
        return callback;
    }

    private static void CheckChainPolicy(X509ChainPolicy? chainPolicy, CertificatePinner pinner, string owner)
    {
        if (chainPolicy is null)
        {
            return;
        }

        if (ChainPolicyGuard.Relaxation(chainPolicy, pinner.Options) is { } relaxed)
        {
            throw new InvalidOperationException(
                $"{owner}.CertificateChainPolicy relaxes the platform's validation: {relaxed}. Pinset will not pin on top of relaxed validation, which would accept chains the platform refuses. Remove the setting; give private roots through CertificatePinnerOptions.CustomTrustRoots; or, if you have decided the pins alone must carry the trust, set CertificatePinnerOptions.DangerousAcceptRelaxedChainPolicy.");
        }

        if (pinner.Options.HasCustomTrust)
        {
            throw new InvalidOperationException($"{owner}.CertificateChainPolicy is already set, and the pinner has CustomTrustRoots; set trust in one place only.");
        }
    }
}
