namespace Pinset.Formats;

/// <summary>What a format read or wrote, and a warning (a sentence) for each thing it could not carry over.</summary>
/// <param name="Value">The configuration read, or the text written.</param>
/// <param name="Warnings">Each thing dropped or changed, in order.</param>
public sealed record PolicyFormatResult<T>(T Value, IReadOnlyList<string> Warnings);
