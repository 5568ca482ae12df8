namespace Pinset;

/// <summary>Reads the typed values out of a configuration's text, for the format writers; the configuration was validated before.</summary>
internal static class PolicyText
{
    public static DateTimeOffset? Expiry(PinPolicyConfiguration policy) =>
        PinPolicyCompiler.ParseExpiry(policy.Expires, error => throw new PinsetFormatException(error));

    public static IEnumerable<SpkiPin> Pins(PinPolicyConfiguration policy) => policy.Pins.Select(SpkiPin.Parse);

    public static IEnumerable<HostPattern> Hosts(PinPolicyConfiguration policy) => policy.Hosts.Select(HostPattern.Parse);
}
