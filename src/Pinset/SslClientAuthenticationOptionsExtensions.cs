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
    /// The options already have another certificate callback, or another pinner, or a chain policy of their own while
    /// the pinner has custom trust roots: Pinset will not silently replace a decision someone else made.
    /// </exception>
    public static SslClientAuthenticationOptions UseCertificatePinning(this SslClientAuthenticationOptions options, CertificatePinner pinner)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(pinner);
        if (AdapterGuard.AlreadyPinned(options.RemoteCertificateValidationCallback, pinner, "SslClientAuthenticationOptions.RemoteCertificateValidationCallback"))
        {
            return options;
        }

        if (pinner.Options.HasCustomTrust)
        {
            if (options.CertificateChainPolicy is not null)
            {
                throw new InvalidOperationException("SslClientAuthenticationOptions.CertificateChainPolicy is already set, and the pinner has CustomTrustRoots; set trust in one place only.");
            }

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

        options.RemoteCertificateValidationCallback = new PinningCallback(pinner).OnRemoteCertificate;
        return options;
    }
}
