using Microsoft.Extensions.DependencyInjection;
using Pinset.Extensions;

namespace Pinset.Cli;

/// <summary>
/// Sends <c>check --report</c>'s RFC 7469 reports through the library's <see cref="PinViolationReportSender"/> (the
/// same client, retries and circuit breaker as an app's reports), each report bounded to 5 seconds. A dead, slow or
/// failing report endpoint is warned about and never changes the exit code: the verdict is the checked servers', not
/// the reporter's.
/// </summary>
internal static class CheckReporter
{
    /// <summary>The library's defaults, with one report to one URI bounded to 5 seconds, every attempt included.</summary>
    private static readonly PinningReportOptions Options = new() { RequestTimeout = TimeSpan.FromSeconds(5), TotalTimeout = TimeSpan.FromSeconds(5) };

    public static async Task SendAsync(IEnumerable<CheckFinding> findings, CliConsole output, CancellationToken cancel)
    {
        var failing = findings.Where(f => f.Failed && f.Result?.Policy is { ReportUris.Count: > 0 }).ToList();
        if (failing.Count == 0)
        {
            return;
        }

        var services = new ServiceCollection().AddSingleton(output.Time);
        PinViolationReportSender.Register(services, _ => Options);
        await using var provider = services.BuildServiceProvider();
        var sender = provider.GetRequiredService<PinViolationReportSender>();
        foreach (var finding in failing)
        {
            var body = PinViolationReport.ToJson(finding.Result!, finding.Target.Port, output.Time.GetUtcNow());
            foreach (var uri in finding.Result!.Policy!.ReportUris)
            {
                var outcome = await sender.SendAsync(uri, body, cancel).ConfigureAwait(false);
                if (!outcome.Delivered)
                {
                    output.Warn($"the report for '{finding.Target}' could not be sent to '{uri}': {outcome.Problem}.");
                }
            }
        }
    }
}
