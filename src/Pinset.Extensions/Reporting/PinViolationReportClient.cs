using Microsoft.Extensions.DependencyInjection;

namespace Pinset.Extensions;

/// <summary>
/// Sends reports at once, outside an app's container: for tools and engines that judge connections themselves
/// (<c>pinset check --report</c>, the pinning tunnel). It owns a <see cref="PinViolationReportSender"/> (the same client,
/// retries and circuit breaker as an app's reports) and names its sender as an app's reporter does (<c>app-name</c>,
/// <c>app-version</c> from <see cref="PinningReportOptions"/>). A report that is not delivered is a warning, never an
/// exception: the verdict is the server's, not the report endpoint's.
/// </summary>
internal sealed class PinViolationReportClient : IAsyncDisposable, IDisposable
{
    private readonly ServiceProvider _services;
    private readonly PinViolationReportSender _sender;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, string> _app;

    public PinViolationReportClient(TimeProvider time, PinningReportOptions options)
    {
        _time = time;
        _app = AppFields(options);
        var services = new ServiceCollection().AddSingleton(time);
        PinViolationReportSender.Register(services, _ => options);
        _services = services.BuildServiceProvider();
        _sender = _services.GetRequiredService<PinViolationReportSender>();
    }

    /// <summary>True when <paramref name="result"/> is worth a report: it matched a policy with report URIs.</summary>
    public static bool Reportable(PinValidationResult? result) => result?.Policy is { ReportUris.Count: > 0 };

    /// <summary>The fields that name the sender of a report: <c>app-name</c> and <c>app-version</c>, where the options give them.</summary>
    public static Dictionary<string, string> AppFields(PinningReportOptions options)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (options.AppName is { } app)
        {
            fields["app-name"] = app;
        }

        if (options.AppVersion is { } version)
        {
            fields["app-version"] = version;
        }

        return fields;
    }

    /// <summary>
    /// Sends the report of <paramref name="result"/> (with its port) about <paramref name="target"/> to each of its
    /// policy's report URIs; each that fails is a sentence given to <paramref name="warn"/>.
    /// </summary>
    public async Task SendAsync(PinValidationResult result, string target, Action<string> warn, CancellationToken cancellationToken)
    {
        if (!Reportable(result))
        {
            return;
        }

        var body = PinViolationReport.ToJson(result, _time.GetUtcNow(), _app);
        foreach (var uri in result.Policy!.ReportUris)
        {
            var outcome = await _sender.SendAsync(uri, body, cancellationToken).ConfigureAwait(false);
            if (!outcome.Delivered)
            {
                warn($"the report for '{target}' could not be sent to '{uri}': {outcome.Problem}.");
            }
        }
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    public void Dispose() => _services.Dispose();
}
