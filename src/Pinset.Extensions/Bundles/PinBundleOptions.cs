using System.Security.Cryptography.X509Certificates;

namespace Pinset.Extensions;

/// <summary>
/// A remote source of signed pin bundles (<see cref="PinningOptions.Bundles"/>; docs/bundles.md). With a
/// <see cref="Url"/>, the policy in force is the newest verified, unexpired bundle; the configuration's policy is the
/// embedded fallback, used before any bundle arrives and, with <see cref="PinBundleExpiry.FallBackToConfiguration"/>,
/// after one expires. Without a URL, bundles are off.
/// </summary>
public sealed class PinBundleOptions
{
    /// <summary>Where the bundle is fetched from: https only (see <see cref="DangerousAllowHttp"/>). Null: no remote bundles.</summary>
    public Uri? Url { get; set; }

    /// <summary>
    /// The public keys (SPKI PEM, as <c>pinset bundle keygen</c> writes NAME.pub) whose signature is trusted. Several at
    /// once let the publisher rotate its signing key: ship the new key's PEM beside the old one, then sign with it.
    /// </summary>
    public IList<string> TrustedKeys { get; } = [];

    /// <summary>
    /// A directory only this app writes: it keeps the highest version accepted (anti-rollback, across restarts and crashes)
    /// and the last verified bundle, applied at the next start before any network access. Required with a <see cref="Url"/>.
    /// </summary>
    public string? StateDirectory { get; set; }

    /// <summary>How often to fetch; each wait varies by up to 10% either way so a fleet does not fetch in step. Default: 1 hour; at least 1 minute.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long one fetch may take, retries included. Default: 30 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of a fetch that failed on the network or with 408, 429 or 5xx, after 1, 2, 4... seconds with jitter. Default: 2; from 0 to 5.</summary>
    public int MaxRetryAttempts { get; set; } = 2;

    /// <summary>How far in the future a bundle's <c>issuedAt</c> may be (clock skew). Default: 5 minutes; at most 1 hour.</summary>
    public TimeSpan ClockSkew { get; set; } = PinBundle.DefaultClockSkew;

    /// <summary>What happens when the bundle in force expires. Default: fall back to the configuration's policy.</summary>
    public PinBundleExpiry OnExpiry { get; set; } = PinBundleExpiry.FallBackToConfiguration;

    /// <summary>
    /// Roots to trust for fetching the bundle (a test or private CA) instead of the app's
    /// <see cref="PinningOptions.CustomTrustRoots"/>, which the fetch trusts when this is null (and the system store when
    /// both are). The bundle's signature is what makes it trusted.
    /// </summary>
    public X509Certificate2Collection? CustomTrustRoots { get; set; }

    /// <summary>Allow an http:// <see cref="Url"/>. The signature still protects the content, but anyone on the path can withhold updates or watch what is fetched. Default: false.</summary>
    public bool DangerousAllowHttp { get; set; }

    /// <summary>The problems of these settings, for the options validator; <paramref name="keys"/> gets the trusted keys that read.</summary>
    internal List<string> Problems(out List<PinBundleKey> keys)
    {
        keys = [];
        var problems = new List<string>();
        if (Url is null)
        {
            return problems;
        }

        if (!Url.IsAbsoluteUri || (Url.Scheme != Uri.UriSchemeHttps && !(DangerousAllowHttp && Url.Scheme == Uri.UriSchemeHttp)))
        {
            problems.Add($"Bundles.Url is '{Url}'; expected an https:// URL (http:// only with Bundles.DangerousAllowHttp).");
        }

        if (string.IsNullOrWhiteSpace(StateDirectory))
        {
            problems.Add("Bundles.StateDirectory is not set; it is required with Bundles.Url: it keeps the highest bundle version accepted (anti-rollback) and the last good bundle.");
        }

        for (int i = 0; i < TrustedKeys.Count; i++)
        {
            try
            {
                keys.Add(PinBundleKey.FromPublicKeyPem(TrustedKeys[i], $"Bundles.TrustedKeys[{i}]"));
            }
            catch (PinsetFormatException ex)
            {
                problems.Add(ex.Message);
            }
        }

        if (TrustedKeys.Count == 0)
        {
            problems.Add("Bundles.TrustedKeys is empty; with Bundles.Url, at least one public key (NAME.pub from 'pinset bundle keygen') must be trusted, or no bundle could ever verify.");
        }

        if (RefreshInterval < TimeSpan.FromMinutes(1))
        {
            problems.Add($"Bundles.RefreshInterval is '{RefreshInterval}'; expected at least 1 minute.");
        }

        if (MaxRetryAttempts is < 0 or > 5)
        {
            problems.Add($"Bundles.MaxRetryAttempts is {MaxRetryAttempts}; expected 0 to 5.");
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            problems.Add($"Bundles.RequestTimeout is '{RequestTimeout}'; expected a positive time.");
        }

        if (ClockSkew < TimeSpan.Zero || ClockSkew > TimeSpan.FromHours(1))
        {
            problems.Add($"Bundles.ClockSkew is '{ClockSkew}'; expected zero to 1 hour (a larger skew would accept bundles issued far in the future).");
        }

        if (CustomTrustRoots is { Count: 0 })
        {
            problems.Add("Bundles.CustomTrustRoots is an empty collection, which would trust no root at all; add the roots to trust, or leave it null for the system store.");
        }

        return problems;
    }
}
