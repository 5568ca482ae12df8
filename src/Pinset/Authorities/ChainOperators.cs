namespace Pinset;

/// <summary>
/// What the failure block says of the CA operators, from a <see cref="CertificateAuthorityMap"/>: the operator of each
/// certificate of the chain the map knows by key, and, when the pins missed, what changed in one line with the fix.
/// A key the map does not know is named by nothing but its subject.
/// </summary>
internal static class ChainOperators
{
    /// <summary>The operator and kind of <paramref name="certificate"/> (<c>Let's Encrypt intermediate 'R11'</c>); null when its key is not in the map.</summary>
    public static string? Label(ChainCertificate certificate, CertificateAuthorityMap map) =>
        certificate.Pin is { } pin ? map.Find(pin)?.Description : null;

    /// <summary>
    /// "What changed" and "Fix" lines for a pin mismatch whose chain comes from a CA the map knows, against a policy
    /// whose pins the map knows too: the CA the server now presents, the CAs the policy pins, and the roots to add.
    /// Null when either side is unknown: the map makes no claim then.
    /// </summary>
    public static string? Change(PinValidationResult result, CertificateAuthorityMap map)
    {
        var presented = result.ValidatedChain.Skip(1).Select(c => c.Pin is { } pin ? map.Find(pin) : null).FirstOrDefault(k => k is not null);
        var pinned = result.ExpectedPins.Select(map.Find).OfType<CertificateAuthorityKey>().ToList();
        if (presented is null || pinned.Count == 0)
        {
            return null;
        }

        var policy = string.Join(", ", pinned.GroupBy(k => k.Operator, StringComparer.Ordinal).Select(g => $"{g.Key} ({string.Join(", ", g.Select(k => k.Name))})"));
        var roots = presented.IsRoot ? [presented] : presented.RootPins.Select(map.Find).OfType<CertificateAuthorityKey>().ToList();
        var own = roots.Where(r => r.Operator == presented.Operator).ToList();
        return $"  What changed: the server now presents {presented.DisplayName}; the policy pins {policy}.\n"
            + $"  Fix: if the move is expected, add the roots {presented.DisplayName} chains to: {string.Join(", ", (own.Count > 0 ? own : roots).Select(r => $"{r.Name} {r.Pin}"))} "
            + $"('pinset pin {result.Host} --strategy cdn' pins every CA a CDN may move to), and ship them before the old pins go; if it is not expected, this may be interception.";
    }
}
