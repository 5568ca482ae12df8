namespace Pinset.Cli;

/// <summary>When a probe asks for response headers to recognise a CDN: only for a chain a CDN could have issued.</summary>
internal static class CdnProbe
{
    /// <summary>
    /// True when a CA of <paramref name="chain"/> belongs to an operator some known CDN issues from: only then can a CDN be
    /// in front, so a private PKI's hosts (or any the map does not know) cost no request.
    /// </summary>
    public static bool Worthwhile(IReadOnlyList<ChainCertificate> chain, CertificateAuthorityMap map) =>
        chain.Skip(1).Any(c => c.Pin is { } pin && map.Find(pin) is { } key && CdnProfile.Known.Any(p => p.Operators.Contains(key.Operator, StringComparer.Ordinal)));
}
