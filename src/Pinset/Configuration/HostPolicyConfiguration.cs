namespace Pinset;

/// <summary>One policy of a <see cref="PinningConfiguration"/>, with every value as text, as configuration holds it.</summary>
public sealed record HostPolicyConfiguration
{
    /// <summary>Host patterns: <c>api.example.com</c>, <c>*.example.com</c> (one more label) or <c>**.example.com</c> (any depth). Required.</summary>
    public IReadOnlyList<string> Hosts { get; init => field = Copy(value); } = [];

    /// <summary>Public-key pins, <c>sha256/&lt;base64&gt;</c> (curl's and HPKP's forms are accepted too).</summary>
    public IReadOnlyList<string> Pins { get; init => field = Copy(value); } = [];

    /// <summary>Certificate pins: SHA-256 fingerprints of whole certificates, hex with or without colons.</summary>
    public IReadOnlyList<string> Certificates { get; init => field = Copy(value); } = [];

    /// <summary>Public-key pins that are refused wherever they appear in the validated chain, even when another pin matches.</summary>
    public IReadOnlyList<string> BannedPins { get; init => field = Copy(value); } = [];

    /// <summary>
    /// When the policy stops being enforced, as an ISO 8601 instant with an offset (<c>2027-06-30T00:00:00Z</c>) or a date
    /// (<c>2027-06-30</c>, midnight UTC). Default: never.
    /// </summary>
    public string? Expires { get; init; }

    /// <summary><c>enforce</c> (the default) refuses a mismatch; <c>report-only</c> lets it through and flags it.</summary>
    public string? Mode { get; init; }

    /// <summary>Absolute http or https URIs that pin-violation reports are sent to.</summary>
    public IReadOnlyList<string> ReportUris { get; init => field = Copy(value); } = [];

    /// <summary>A read-only copy of what the caller passed (null is empty): a record is a value, so a list changed later must not change it.</summary>
    internal static IReadOnlyList<T> Copy<T>(IReadOnlyList<T>? values) => values is null ? ReadOnlyArray<T>.Empty : ReadOnlyArray<T>.Over([.. values]);

    /// <summary>Equal when every list holds the same strings in the same order and the texts are the same (ordinal): a reload that changes nothing is no change.</summary>
    public bool Equals(HostPolicyConfiguration? other) =>
        other is not null
        && Hosts.SequenceEqual(other.Hosts, StringComparer.Ordinal)
        && Pins.SequenceEqual(other.Pins, StringComparer.Ordinal)
        && Certificates.SequenceEqual(other.Certificates, StringComparer.Ordinal)
        && BannedPins.SequenceEqual(other.BannedPins, StringComparer.Ordinal)
        && string.Equals(Expires, other.Expires, StringComparison.Ordinal)
        && string.Equals(Mode, other.Mode, StringComparison.Ordinal)
        && ReportUris.SequenceEqual(other.ReportUris, StringComparer.Ordinal);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var list in new[] { Hosts, Pins, Certificates, BannedPins, ReportUris })
        {
            hash.Add(list.Count);
            foreach (var item in list)
            {
                hash.Add(item, StringComparer.Ordinal);
            }
        }

        hash.Add(Expires, StringComparer.Ordinal);
        hash.Add(Mode, StringComparer.Ordinal);
        return hash.ToHashCode();
    }
}
