namespace Pinset.Formats;

/// <summary>What a format may need besides the text: where it came from, the time, and for some formats a host or known leaf pins.</summary>
public sealed record PolicyFormatContext
{
    /// <summary>The name of the source in messages, such as a file name.</summary>
    public string SourceName { get; init; } = "policy";

    /// <summary>The time expiry is judged and computed at (HPKP's <c>max-age</c>, Android's <c>expiration</c>).</summary>
    public DateTimeOffset Now { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>The host HPKP headers were served by (they name none themselves); needed to read <c>hpkp</c>.</summary>
    public string? Host { get; init; }

    /// <summary>Pins known to be servers' own keys: curl compares only the leaf's key, so only these can be written for it.</summary>
    public IReadOnlySet<SpkiPin> LeafPins { get; init; } = new HashSet<SpkiPin>();

    /// <summary>
    /// Whether writing warns of a policy without a backup pin (the default). A caller that says so in its own words, such
    /// as <c>pinset pin</c>, which knows the one pin is the server's key today, turns it off.
    /// </summary>
    public bool WarnOfMissingBackupPin { get; init; } = true;
}
