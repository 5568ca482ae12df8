using System.Globalization;

namespace Pinset;

/// <summary>A length of time as a person reads it in a message: "500 ms", "10 seconds", "2 minutes"; or, long and rounded down, "29 days".</summary>
internal static class DurationText
{
    /// <summary>The duration as a person reads it: 500 ms, 10 seconds, 2 minutes.</summary>
    public static string Describe(TimeSpan duration) =>
        duration < TimeSpan.FromSeconds(1) ? $"{duration.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms"
        : duration < TimeSpan.FromMinutes(1) || duration.TotalSeconds % 60 != 0 ? $"{duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} seconds"
        : duration < TimeSpan.FromHours(2) || duration.TotalMinutes % 60 != 0 ? $"{duration.TotalMinutes.ToString("0", CultureInfo.InvariantCulture)} minutes"
        : duration < TimeSpan.FromDays(2) || duration.TotalHours % 24 != 0 ? $"{duration.TotalHours.ToString("0", CultureInfo.InvariantCulture)} hours"
        : $"{duration.TotalDays.ToString("0", CultureInfo.InvariantCulture)} days";

    /// <summary>A long duration as a person says it, rounded down: 29 days, 5 hours, 12 minutes, 40 seconds.</summary>
    public static string DescribeRoughly(TimeSpan duration) =>
        duration >= TimeSpan.FromDays(2) ? $"{(int)duration.TotalDays} days"
        : duration >= TimeSpan.FromHours(2) ? $"{(int)duration.TotalHours} hours"
        : duration >= TimeSpan.FromMinutes(2) ? $"{(int)duration.TotalMinutes} minutes"
        : duration >= TimeSpan.FromSeconds(2) ? $"{(int)duration.TotalSeconds} seconds"
        : "less than 2 seconds";
}
