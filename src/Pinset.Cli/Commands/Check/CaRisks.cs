namespace Pinset.Cli;

/// <summary>
/// The rotation risks that come from the CA operators rather than the server: a pool of intermediates the operator picks
/// from at random, and a CDN that moves between operators. Keys are identified by pin in a
/// <see cref="CertificateAuthorityMap"/>; a key the map does not know makes no claim.
/// </summary>
internal static class CaRisks
{
    public static IEnumerable<CheckRisk> Find(HostPolicy policy, IReadOnlyList<ChainCertificate> chain, CdnRecognition? cdn, CertificateAuthorityMap map, DateTimeOffset now)
    {
        var pinned = policy.Pins.ToHashSet();
        var keys = policy.Pins.Select(map.Find).OfType<CertificateAuthorityKey>().ToList();
        var matched = chain.Skip(1).Select(c => c.Pin is { } pin && pinned.Contains(pin) ? map.Find(pin) : null).OfType<CertificateAuthorityKey>();
        foreach (var owner in matched.Where(k => !k.IsRoot).Select(k => k.Operator).Distinct(StringComparer.Ordinal))
        {
            if (RotatingPool(map.FindOperator(owner)!, pinned, now) is { } risk)
            {
                yield return risk;
            }
        }

        if (cdn is not null)
        {
            var missing = cdn.Profile.Operators.Where(o => !keys.Exists(k => k.Operator == o)).Select(map.FindOperator).OfType<CertificateAuthorityOperator>().ToList();
            if (missing.Count > 0)
            {
                var covered = cdn.Profile.Operators.Where(o => keys.Exists(k => k.Operator == o)).ToList();
                yield return new CheckRisk(CheckRisk.CdnMaySwitchCa,
                    $"CDN may switch CA: the host is behind {cdn.Profile.DisplayName} (recognised by {cdn.Evidence}), which may issue its certificate from {NameList.Join(cdn.Profile.Operators)} without notice; "
                    + $"your pins cover {(covered.Count == 0 ? "none of them" : "only " + NameList.Join(covered))}, so the day it moves to {NameList.Join(missing.Select(m => m.Name))} this host fails. "
                    + $"Add the roots: {string.Join(", ", missing.SelectMany(m => m.RootsAt(now)).Select(r => $"{r.Name} {r.Pin}"))}.");
            }
        }
    }

    /// <summary>The risk when the pins match some of an operator's intermediates, and a renewal from another passes no pin.</summary>
    private static CheckRisk? RotatingPool(CertificateAuthorityOperator owner, HashSet<SpkiPin> pinned, DateTimeOffset now)
    {
        var pool = owner.IssuingAt(now);
        var uncovered = pool.Where(i => !pinned.Contains(i.Pin) && !i.RootPins.Any(pinned.Contains)).ToList();
        if (pool.Count < 2 || uncovered.Count == 0)
        {
            return null;
        }

        return new CheckRisk(CheckRisk.RotatingPool,
            $"Rotating pool: {owner.Name} issues from {NameList.Join(pool.Select(i => i.Name))} at random; your pins match only {NameList.Join(pool.Where(i => pinned.Contains(i.Pin)).Select(i => i.Name))}, "
            + $"so a renewal from {(uncovered.Count == pool.Count - 1 ? "any other" : NameList.Join(uncovered.Select(i => i.Name)))} fails. Add the roots: {string.Join(", ", owner.RootsAt(now).Select(r => $"{r.Name} {r.Pin}"))}.");
    }
}
