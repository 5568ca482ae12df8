namespace Pinset.Formats;

/// <summary>Reads the typed values out of a configuration's text, for the format writers; the configuration was validated before.</summary>
internal static class PolicyText
{
    public static DateTimeOffset? Expiry(HostPolicyConfiguration policy) =>
        PinningPolicyCompiler.ParseExpiry(policy.Expires, error => throw new PinsetFormatException(error));

    public static IEnumerable<SpkiPin> Pins(HostPolicyConfiguration policy) => policy.Pins.Select(SpkiPin.Parse);

    public static IEnumerable<HostPattern> Hosts(HostPolicyConfiguration policy) => policy.Hosts.Select(HostPattern.Parse);
}
