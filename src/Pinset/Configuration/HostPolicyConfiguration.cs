namespace Pinset;

/// <summary>One policy of a <see cref="PinningConfiguration"/>, with every value as text, as configuration holds it.</summary>
public sealed record HostPolicyConfiguration
{
    /// <summary>Host patterns: <c>api.example.com</c>, <c>*.example.com</c> (one more label) or <c>**.example.com</c> (any depth). Required.</summary>
    public IList<string> Hosts { get; init; } = [];

    /// <summary>Public-key pins, <c>sha256/&lt;base64&gt;</c> (curl's and HPKP's forms are accepted too).</summary>
    public IList<string> Pins { get; init; } = [];

    /// <summary>Certificate pins: SHA-256 fingerprints of whole certificates, hex with or without colons.</summary>
    public IList<string> Certificates { get; init; } = [];

    /// <summary>Public-key pins that are refused wherever they appear in the validated chain, even when another pin matches.</summary>
    public IList<string> BannedPins { get; init; } = [];

    /// <summary>
    /// When the policy stops being enforced, as an ISO 8601 instant with an offset (<c>2027-06-30T00:00:00Z</c>) or a date
    /// (<c>2027-06-30</c>, midnight UTC). Default: never.
    /// </summary>
    public string? Expires { get; init; }

    /// <summary><c>enforce</c> (the default) refuses a mismatch; <c>report-only</c> lets it through and flags it.</summary>
    public string? Mode { get; init; }

    /// <summary>Absolute http or https URIs that pin-violation reports are sent to.</summary>
    public IList<string> ReportUris { get; init; } = [];
}
