using Microsoft.Extensions.DependencyInjection;
using Pinset.Extensions;

namespace Pinset.Cli;

/// <summary>
/// Sends the RFC 7469 reports of <c>check --report</c> and <c>tunnel --report</c> through the library's
/// <see cref="PinViolationReportSender"/> (the same client, retries and circuit breaker as an app's reports), each
/// report bounded to 5 seconds. A dead, slow or failing report endpoint is warned about and never changes a verdict:
/// the verdict is the server's, not the reporter's.
/// </summary>
internal sealed class CheckReporter : IAsyncDisposable, IDisposable
{
    /// <summary>The library's defaults, with one report to one URI bounded to 5 seconds, every attempt included.</summary>
    private static readonly PinningReportOptions Options = new() { RequestTimeout = TimeSpan.FromSeconds(5), TotalTimeout = TimeSpan.FromSeconds(5) };

    private readonly ServiceProvider _services;
    private readonly PinViolationReportSender _sender;
    private readonly TimeProvider _time;

    public CheckReporter(TimeProvider time)
    {
        _time = time;
        var services = new ServiceCollection().AddSingleton(time);
        PinViolationReportSender.Register(services, _ => Options);
        _services = services.BuildServiceProvider();
        _sender = _services.GetRequiredService<PinViolationReportSender>();
    }

    /// <summary>Sends a report for each failing finding whose policy names report URIs.</summary>
    public static async Task SendAsync(IEnumerable<CheckFinding> findings, CliConsole output, CancellationToken cancel)
    {
        var failing = findings.Where(f => f.Failed && Reportable(f.Result)).ToList();
        if (failing.Count == 0)
        {
            return;
        }

        await using var reporter = new CheckReporter(output.Time);
        foreach (var finding in failing)
        {
            await reporter.SendAsync(finding.Result!, finding.Target, output.Warn, cancel).ConfigureAwait(false);
        }
    }

    /// <summary>True when <paramref name="result"/> is worth a report: it matched a policy with report URIs.</summary>
    public static bool Reportable(PinValidationResult? result) => result?.Policy is { ReportUris.Count: > 0 };

    /// <summary>Sends the report of <paramref name="result"/> for <paramref name="target"/> to each of its policy's report URIs; each failure is a warning.</summary>
    public async Task SendAsync(PinValidationResult result, ServerTarget target, Action<string> warn, CancellationToken cancel)
    {
        if (!Reportable(result))
        {
            return;
        }

        var body = PinViolationReport.ToJson(result.Port == 0 ? result.WithPort(target.Port) : result, _time.GetUtcNow());
        foreach (var uri in result.Policy!.ReportUris)
        {
            var outcome = await _sender.SendAsync(uri, body, cancel).ConfigureAwait(false);
            if (!outcome.Delivered)
            {
                warn($"the report for '{target}' could not be sent to '{uri}': {outcome.Problem}.");
            }
        }
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    public void Dispose() => _services.Dispose();
}
