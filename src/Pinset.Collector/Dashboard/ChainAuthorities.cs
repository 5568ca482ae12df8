using System.Globalization;

namespace Pinset.Collector;

/// <summary>
/// The CA operators of the chains a host's page shows, from Pinset's <see cref="CertificateAuthorityMap"/> (read on the
/// first page that shows a chain): each certificate's operator when the map knows its key, and a change of operator
/// between the chains users met over time ("CA changed from Let's Encrypt to Google Trust Services"). A key the map does
/// not know is labelled with nothing.
/// </summary>
internal static class ChainAuthorities
{
    /// <summary>The map's entry for a reported certificate's key; null when the map does not know it.</summary>
    public static CertificateAuthorityKey? Find(CertificateInfo certificate, CertificateAuthorityMap map) =>
        SpkiPin.TryParse(certificate.Pin, out var pin) ? map.Find(pin) : null;

    /// <summary>
    /// The sentence for the latest chain whose CA operator differs from that of an earlier one, with both issuing CAs and
    /// when the new one was first reported; null when the chains known to the map all come from one operator.
    /// </summary>
    public static string? Change(IReadOnlyList<SeenChain> chains, CertificateAuthorityMap map)
    {
        var known = chains
            .Select(c => (Chain: c, Issuer: c.Chain.Skip(1).Select(i => Find(i, map)).FirstOrDefault(k => k is not null)))
            .Where(x => x.Issuer is not null)
            .OrderBy(x => x.Chain.FirstSeen)
            .ToList();
        if (known.Count < 2)
        {
            return null;
        }

        var latest = known[^1];
        var before = known.LastOrDefault(x => x.Issuer!.Operator != latest.Issuer!.Operator);
        return before.Issuer is null ? null
            : $"CA changed from {before.Issuer.Operator} to {latest.Issuer!.Operator}: users met {before.Issuer.DisplayName}, then {latest.Issuer.DisplayName} from "
              + $"{latest.Chain.FirstSeen.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}. A CDN moves between CAs without notice: pin the roots of every CA it may use ('pinset pin HOST --strategy cdn'), not one CA's intermediate.";
    }
}
