using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography.X509Certificates;

namespace Pinset.Extensions;

/// <summary>
/// What <c>AddCertificatePinning</c> binds and configures: the pinning document (from configuration or code) and the
/// settings only code can give (trust roots, observers).
/// </summary>
public sealed class PinningOptions
{
    /// <summary>The pinning document: policies and <c>requirePinnedHosts</c>. Bound from the configuration section, or set in code.</summary>
    public PinningConfiguration Configuration { get; set; } = new();

    /// <summary>
    /// How long a pooled connection is reused. After a policy reload, connections opened under the old policy live at
    /// most this long. Default: 2 minutes; from 1 second to 1 hour.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Only the source-generated PinningOptionsValidator reads this attribute, and it compiles the bounds at build time; nothing converts them by reflection.")]
    public TimeSpan PooledConnectionLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Roots to trust instead of the system store (a private exchange CA, a test CA). Default (null): the system store.
    /// An empty collection is refused at start-up, never read as "the system store".
    /// </summary>
    public X509Certificate2Collection? CustomTrustRoots { get; set; }

    /// <summary>Check revocation online while building chains. Default: false.</summary>
    public bool CheckCertificateRevocation { get; set; }

    /// <summary>
    /// Accept chains validated under a relaxed chain policy (see <see cref="CertificatePinnerOptions.DangerousAcceptRelaxedChainPolicy"/>).
    /// Default: false: a pinned client whose handler relaxes the platform's validation is refused.
    /// </summary>
    public bool DangerousAcceptRelaxedChainPolicy { get; set; }

    /// <summary>
    /// Watch every TLS handshake this process makes and flag those to a host the policy covers that no Pinset validator
    /// saw (an HttpClient made with <c>new</c>, a library's own client): each is logged (event 9, <c>UnpinnedHandshake</c>),
    /// counted (<c>pinset.unpinned_handshakes</c>) and makes the Pinset health check unhealthy. Uses the runtime's own TLS
    /// telemetry; see <see cref="PinningCoverageGuard"/>. Default: false.
    /// </summary>
    public bool DetectUnpinnedHandshakes { get; set; }

    /// <summary>Signed pin bundles fetched from a URL, which change the pins without a release (docs/bundles.md). Off unless <see cref="PinBundleOptions.Url"/> is set.</summary>
    public PinBundleOptions Bundles { get; set; } = new();

    /// <summary>How pin-violation reports to the policies' report URIs are sent.</summary>
    public PinningReportOptions Reporting { get; set; } = new();

    /// <summary>Called with every validation result, allowed or not. If it throws, the connection is refused.</summary>
    public Action<PinValidationResult>? OnValidated { get; set; }

    /// <summary>Problems found while reading the configuration section (unknown keys, wrong types), reported with the policy's own.</summary>
    internal List<string> ConfigurationErrors { get; } = [];
}
