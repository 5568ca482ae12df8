namespace Pinset;

/// <summary>
/// Every key of the configuration document, in one place: the JSON reader and writer, the Microsoft.Extensions
/// configuration reader and the JSON schema (<c>schema/pinning.schema.json</c>, held to this list by a test) use these.
/// </summary>
public static class PinningConfigurationKeys
{
    /// <summary>The document's section: <c>{"pinning": {...}}</c>.</summary>
    public const string Pinning = "pinning";

    /// <summary>The list of host policies.</summary>
    public const string Policies = "policies";

    /// <summary>Refuse hosts no policy matches.</summary>
    public const string RequirePinnedHosts = "requirePinnedHosts";

    /// <summary>A policy's host patterns.</summary>
    public const string Hosts = "hosts";

    /// <summary>A policy's SPKI pins.</summary>
    public const string Pins = "pins";

    /// <summary>A policy's certificate fingerprints.</summary>
    public const string Certificates = "certificates";

    /// <summary>Keys refused in every mode.</summary>
    public const string BannedPins = "bannedPins";

    /// <summary>When the policy stops being enforced.</summary>
    public const string Expires = "expires";

    /// <summary><see cref="PinningModeNames.Enforce"/> or <see cref="PinningModeNames.ReportOnly"/>.</summary>
    public const string Mode = "mode";

    /// <summary>Where pin-violation reports go.</summary>
    public const string ReportUris = "reportUris";

    /// <summary>The keys of the <c>pinning</c> section.</summary>
    public static IReadOnlyList<string> DocumentKeys { get; } = [Policies, RequirePinnedHosts];

    /// <summary>The keys of one policy.</summary>
    public static IReadOnlyList<string> PolicyKeys { get; } = [Hosts, Pins, Certificates, BannedPins, Expires, Mode, ReportUris];
}
