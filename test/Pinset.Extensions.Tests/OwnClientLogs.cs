using Microsoft.Extensions.Logging;

namespace Pinset.Extensions.Tests;

/// <summary>
/// What an app sees of Pinset's own clients (the bundle fetch, the report client) at the default levels: only Pinset's
/// category. Neither Polly's attempts (each at Information, a failure as a warning with a stack trace) nor the factory's
/// 'System.Net.Http.HttpClient...' lines for every request.
/// </summary>
internal static class OwnClientLogs
{
    public static void AssertOnlyPinsetSpeaks(IServiceProvider services)
    {
        var foreign = services.GetFakeLogCollector().GetSnapshot()
            .Where(r => r.Level >= LogLevel.Information && (r.Category == "Polly" || r.Category?.StartsWith("System.Net.Http.HttpClient.", StringComparison.Ordinal) == true))
            .ToList();
        Assert.True(foreign.Count == 0, $"Logged outside Pinset's category:\n{string.Join("\n", foreign.Select(r => $"{r.Level} {r.Category}: {r.Message}{(r.Exception is null ? string.Empty : " (with an exception)")}"))}");
    }
}
