namespace Pinset;

/// <summary>
/// One validated, immutable policy: host patterns, the pins that satisfy them, banned pins, expiry, mode and
/// report URIs. Built by <see cref="PinningPolicy.Create(PinningConfiguration)"/>; thread-safe.
/// </summary>
public sealed class HostPolicy
{
    private readonly SpkiPin[] _pins;
    private readonly CertificateFingerprint[] _certificates;
    private readonly SpkiPin[] _bannedPins;

    internal HostPolicy(int index, HostPattern[] hosts, SpkiPin[] pins, CertificateFingerprint[] certificates, SpkiPin[] bannedPins, DateTimeOffset? expires, PinningMode mode, Uri[] reportUris)
    {
        // The lists handed out are read-only views: an array would let a caller cast it back and swap a pin in a policy
        // every connection trusts to be immutable.
        Index = index;
        Hosts = ReadOnlyArray<HostPattern>.Over(hosts);
        _pins = pins;
        _certificates = certificates;
        _bannedPins = bannedPins;
        Pins = ReadOnlyArray<SpkiPin>.Over(pins);
        Certificates = ReadOnlyArray<CertificateFingerprint>.Over(certificates);
        BannedPins = ReadOnlyArray<SpkiPin>.Over(bannedPins);
        Expires = expires;
        Mode = mode;
        ReportUris = ReadOnlyArray<Uri>.Over(reportUris);
    }

    /// <summary>The position of the policy in its document, from 0.</summary>
    public int Index { get; }

    /// <summary>The host patterns the policy applies to.</summary>
    public IReadOnlyList<HostPattern> Hosts { get; }

    /// <summary>The public-key pins, any one of which in the validated chain satisfies the policy.</summary>
    public IReadOnlyList<SpkiPin> Pins { get; }

    /// <summary>The certificate fingerprints, any one of which in the validated chain satisfies the policy.</summary>
    public IReadOnlyList<CertificateFingerprint> Certificates { get; }

    /// <summary>Public-key pins refused anywhere in the validated chain.</summary>
    public IReadOnlyList<SpkiPin> BannedPins { get; }

    /// <summary>When the policy stops being enforced; null for never.</summary>
    public DateTimeOffset? Expires { get; }

    /// <summary>Whether a mismatch is refused or only flagged.</summary>
    public PinningMode Mode { get; }

    /// <summary>Where pin-violation reports are sent.</summary>
    public IReadOnlyList<Uri> ReportUris { get; }

    /// <summary>True when the policy's expiry has passed at <paramref name="now"/>.</summary>
    public bool IsExpired(DateTimeOffset now) => Expires is { } expires && now >= expires;

    /// <summary>Names the policy in messages: its patterns and mode.</summary>
    public override string ToString() =>
        $"pinning.policies[{Index}] [{string.Join(", ", Hosts)}] {PinningModeNames.Of(Mode)}{(Expires is { } e ? $", expires {e:yyyy-MM-dd'T'HH:mm:ss'Z'}" : string.Empty)}";

    internal bool HasCertificatePins => _certificates.Length > 0;

    internal bool IsPinned(Sha256Digest spki)
    {
        foreach (var pin in _pins)
        {
            if (pin.Digest.Equals(spki))
            {
                return true;
            }
        }

        return false;
    }

    internal bool IsPinnedCertificate(Sha256Digest fingerprint)
    {
        foreach (var certificate in _certificates)
        {
            if (certificate.Digest.Equals(fingerprint))
            {
                return true;
            }
        }

        return false;
    }

    internal bool IsBanned(Sha256Digest spki)
    {
        foreach (var pin in _bannedPins)
        {
            if (pin.Digest.Equals(spki))
            {
                return true;
            }
        }

        return false;
    }
}
