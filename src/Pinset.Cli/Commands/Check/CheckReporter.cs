using System.Reflection;
using Pinset.Extensions;

namespace Pinset.Cli;

/// <summary>
/// Sends the RFC 7469 reports of <c>check --report</c> and <c>tunnel --report</c> through the library's
/// <see cref="PinViolationReportClient"/> (the same client, retries and circuit breaker as an app's reports), each
/// report bounded to 5 seconds. A dead, slow or failing report endpoint is warned about and never changes a verdict:
/// the verdict is the server's, not the reporter's. Each report names its sender as an app's reporter does
/// (<c>app-name</c>, <c>app-version</c>): 'pinset check' or 'pinset tunnel' and the tool's version, so a collector
/// can tell a probe from users' traffic.
/// </summary>
internal static class CheckReporter
{
    /// <summary>The <c>app-name</c> of <c>pinset check --report</c>'s reports; the collector shows them as probes.</summary>
    public const string CheckAppName = "pinset check";

    /// <summary>The <c>app-name</c> of <c>pinset tunnel --report</c>'s reports: its clients' connections.</summary>
    public const string TunnelAppName = "pinset tunnel";

    /// <summary>The tool's version, without the build metadata after '+' (the commit), which would split one release's reports.</summary>
    public static string Version { get; } =
        (typeof(CheckReporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown").Split('+')[0];

    /// <summary>The library's defaults, with one report to one URI bounded to 5 seconds, every attempt included, sent as <paramref name="appName"/>.</summary>
    public static PinningReportOptions Options(string appName) =>
        new() { RequestTimeout = TimeSpan.FromSeconds(5), TotalTimeout = TimeSpan.FromSeconds(5), AppName = appName, AppVersion = Version };

    /// <summary>Sends a report for each failing finding whose policy names report URIs.</summary>
    public static async Task SendAsync(IEnumerable<CheckFinding> findings, CliConsole output, CancellationToken cancel)
    {
        var failing = findings.Where(f => f.Failed && PinViolationReportClient.Reportable(f.Result)).ToList();
        if (failing.Count == 0)
        {
            return;
        }

        await using var reporter = new PinViolationReportClient(output.Time, Options(CheckAppName));
        foreach (var finding in failing)
        {
            var result = finding.Result!;
            await reporter.SendAsync(result.Port == 0 ? result.WithPort(finding.Target.Port) : result, finding.Target.ToString(), output.Warn, cancel).ConfigureAwait(false);
        }
    }
}
