namespace Pinset;

/// <summary>How a policy document spells each <see cref="PinningMode"/> (<c>"mode"</c>; absent means enforce): the one place these strings are written.</summary>
public static class PinningModeNames
{
    /// <summary><see cref="PinningMode.Enforce"/>.</summary>
    public const string Enforce = "enforce";

    /// <summary><see cref="PinningMode.ReportOnly"/>.</summary>
    public const string ReportOnly = "report-only";

    /// <summary>The document's name of <paramref name="mode"/>.</summary>
    public static string Of(PinningMode mode) => mode == PinningMode.ReportOnly ? ReportOnly : Enforce;
}
