using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Pinset;

/// <summary>
/// The chain built once more, to the custom trust roots and with revocation checking, for transports that give no way
/// to set the platform's chain policy (HttpClientHandler, ClientWebSocketOptions). Disposes what it built.
/// </summary>
internal sealed class OwnChain : IDisposable
{
    private readonly bool _built;
    private readonly X509Certificate2? _loadedLeaf;

    public OwnChain(X509Chain platformChain, X509Certificate certificate, CertificatePinnerOptions options)
    {
        Chain = new X509Chain();
        var policy = Chain.ChainPolicy;
        policy.RevocationMode = options.CheckCertificateRevocation ? X509RevocationMode.Online : X509RevocationMode.NoCheck;
        policy.VerificationTime = platformChain.ChainPolicy.VerificationTime;
        foreach (var oid in platformChain.ChainPolicy.ApplicationPolicy)
        {
            policy.ApplicationPolicy.Add(oid);
        }

        if (options.HasCustomTrust)
        {
            policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            policy.CustomTrustStore.AddRange(options.CustomTrustRoots!);
        }

        policy.ExtraStore.AddRange(platformChain.ChainPolicy.ExtraStore);
        _loadedLeaf = certificate as X509Certificate2 is null ? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()) : null;
        _built = Chain.Build(_loadedLeaf ?? (X509Certificate2)certificate);
    }

    public X509Chain Chain { get; }

    /// <summary>The platform's errors with its chain verdict replaced by this chain's; name and presence errors stay.</summary>
    public SslPolicyErrors PlatformErrors(SslPolicyErrors platform) =>
        (platform & ~SslPolicyErrors.RemoteCertificateChainErrors) | (_built ? SslPolicyErrors.None : SslPolicyErrors.RemoteCertificateChainErrors);

    public void Dispose()
    {
        foreach (var element in Chain.ChainElements)
        {
            element.Certificate.Dispose();
        }

        Chain.Dispose();
        _loadedLeaf?.Dispose();
    }
}
