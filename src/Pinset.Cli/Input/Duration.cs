using System.Globalization;

namespace Pinset.Cli;

/// <summary>A duration as people and curl write it: seconds (<c>10</c>, <c>2.5</c>) or with a unit (<c>500ms</c>, <c>2s</c>, <c>1m</c>, <c>1h</c>, <c>30d</c>).</summary>
internal static class Duration
{
    /// <summary>A wait: at most an hour.</summary>
    public static TimeSpan Parse(string text, string option) => Parse(text, option, TimeSpan.FromHours(1));

    public static TimeSpan Parse(string text, string option, TimeSpan longest)
    {
        var trimmed = text.Trim();
        var (number, unit) = trimmed.EndsWith("ms", StringComparison.OrdinalIgnoreCase) ? (trimmed[..^2], 0.001)
            : trimmed.EndsWith('s') || trimmed.EndsWith('S') ? (trimmed[..^1], 1.0)
            : trimmed.EndsWith('m') || trimmed.EndsWith('M') ? (trimmed[..^1], 60.0)
            : trimmed.EndsWith('h') || trimmed.EndsWith('H') ? (trimmed[..^1], 3600.0)
            : trimmed.EndsWith('d') || trimmed.EndsWith('D') ? (trimmed[..^1], 86400.0)
            : (trimmed, 1.0);
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            throw new CliException(ExitCodes.BadInput, $"{option} '{text}' is not a duration: give seconds (10, 2.5) or a number with a unit, such as 500ms, 2s or 1m.");
        }

        var duration = TimeSpan.FromSeconds(value * unit);
        if (duration <= TimeSpan.Zero)
        {
            throw new CliException(ExitCodes.BadInput, longest > TimeSpan.FromDays(1)
                ? $"{option} '{text}' is no time at all; give a length of time above zero, such as 12h or 30d."
                : $"{option} '{text}' is no time at all; give how long to wait, such as 10 (seconds), 500ms or 1m.");
        }

        // Every wait is counted in whole milliseconds (timers, socket timeouts): less than one would become no wait at all.
        if (duration < TimeSpan.FromMilliseconds(1))
        {
            throw new CliException(ExitCodes.BadInput, $"{option} '{text}' is {duration.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)} ms, less than the smallest wait pinset counts, 1 millisecond; give 1ms or more, such as 500ms or 10 (seconds).");
        }

        return duration <= longest
            ? duration
            : throw new CliException(ExitCodes.BadInput, $"{option} '{text}' is longer than the longest allowed, {Describe(longest)}.");
    }

    /// <summary>The duration as a person reads it: 500 ms, 10 seconds, 2 minutes.</summary>
    public static string Describe(TimeSpan duration) => DurationText.Describe(duration);

    /// <summary>A long duration as a person says it, rounded down: 29 days, 5 hours, 12 minutes, 40 seconds.</summary>
    public static string DescribeRoughly(TimeSpan duration) => DurationText.DescribeRoughly(duration);
}
