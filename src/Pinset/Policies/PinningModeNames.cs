namespace Pinset;

/// <summary>How a policy document spells each <see cref="PinningMode"/> (<c>"mode"</c>; absent means enforce): the one place these strings are written.</summary>
public static class PinningModeNames
{
    /// <summary><see cref="PinningMode.Enforce"/>.</summary>
    public const string Enforce = "enforce";

    /// <summary><see cref="PinningMode.ReportOnly"/>.</summary>
    public const string ReportOnly = "report-only";

    /// <summary>The document's name of <paramref name="mode"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mode"/> is not a defined mode.</exception>
    public static string Of(PinningMode mode) => mode switch
    {
        PinningMode.Enforce => Enforce,
        PinningMode.ReportOnly => ReportOnly,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, $"'{(int)mode}' is not a PinningMode; expected Enforce or ReportOnly."),
    };
}
