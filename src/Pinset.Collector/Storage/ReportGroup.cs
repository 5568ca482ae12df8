namespace Pinset.Collector;

/// <summary>Identical reports received within one minute: one stored row with a count.</summary>
internal sealed record ReportGroup(ReceivedReport Report, long Minute, long Count, DateTimeOffset FirstSeen, DateTimeOffset LastSeen);

/// <summary>What the dashboard and the API look at: optionally one host, a time range and one app version.</summary>
internal sealed record ReportFilter(string? Host, DateTimeOffset From, DateTimeOffset To, string? AppVersion)
{
    public long FromMinute => From.ToUnixTimeSeconds() / 60;

    /// <summary>The first minute after the range (the range includes the minute <see cref="To"/> falls in).</summary>
    public long ToMinute => (To.ToUnixTimeSeconds() / 60) + 1;
}
