using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Pinset.Extensions;

namespace Pinset.Cli;

/// <summary>
/// Sends the RFC 7469 reports of <c>check --report</c> and <c>tunnel --report</c> through the library's
/// <see cref="PinViolationReportSender"/> (the same client, retries and circuit breaker as an app's reports), each
/// report bounded to 5 seconds. A dead, slow or failing report endpoint is warned about and never changes a verdict:
/// the verdict is the server's, not the reporter's. Each report names its sender as an app's reporter does
/// (<c>app-name</c>, <c>app-version</c>): 'pinset check' or 'pinset tunnel' and the tool's version, so a collector
/// can tell a probe from users' traffic.
/// </summary>
internal sealed class CheckReporter : IAsyncDisposable, IDisposable
{
    /// <summary>The <c>app-name</c> of <c>pinset check --report</c>'s reports; the collector shows them as probes.</summary>
    public const string CheckAppName = "pinset check";

    /// <summary>The <c>app-name</c> of <c>pinset tunnel --report</c>'s reports: its clients' connections.</summary>
    public const string TunnelAppName = "pinset tunnel";

    /// <summary>The tool's version, without the build metadata after '+' (the commit), which would split one release's reports.</summary>
    public static string Version { get; } =
        (typeof(CheckReporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown").Split('+')[0];

    /// <summary>The library's defaults, with one report to one URI bounded to 5 seconds, every attempt included.</summary>
    private static readonly PinningReportOptions Options = new() { RequestTimeout = TimeSpan.FromSeconds(5), TotalTimeout = TimeSpan.FromSeconds(5) };

    private readonly ServiceProvider _services;
    private readonly PinViolationReportSender _sender;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, string> _app;

    /// <summary>A reporter whose reports name <paramref name="appName"/> (<see cref="CheckAppName"/> or <see cref="TunnelAppName"/>) and <see cref="Version"/>.</summary>
    public CheckReporter(TimeProvider time, string appName)
    {
        _time = time;
        _app = new(StringComparer.Ordinal) { ["app-name"] = appName, ["app-version"] = Version };
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

        await using var reporter = new CheckReporter(output.Time, CheckAppName);
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

        var body = PinViolationReport.ToJson(result.Port == 0 ? result.WithPort(target.Port) : result, _time.GetUtcNow(), _app);
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
