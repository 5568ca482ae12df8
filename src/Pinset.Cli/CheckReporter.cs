using System.Text;

namespace Pinset.Cli;

/// <summary>
/// Sends the RFC 7469 reports of <c>check --report</c> and <c>tunnel --report</c>. A dead, slow or failing report
/// endpoint is warned about and never changes a verdict: the verdict is the server's, not the reporter's.
/// </summary>
internal static class CheckReporter
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>A client for <see cref="SendAsync(HttpClient, PinValidationResult, ServerTarget, TimeProvider, Action{string}, CancellationToken)"/>, with the 5-second timeout of each report.</summary>
    public static HttpClient NewClient() => new() { Timeout = Timeout };

    public static async Task SendAsync(IEnumerable<CheckFinding> findings, CliConsole output, CancellationToken cancel)
    {
        using var client = NewClient();
        foreach (var finding in findings.Where(f => f.Failed))
        {
            await SendAsync(client, finding.Result!, finding.Target, output.Time, output.Warn, cancel).ConfigureAwait(false);
        }
    }

    /// <summary>True when <paramref name="result"/> is worth a report: it matched a policy with report URIs.</summary>
    public static bool Reportable(PinValidationResult? result) => result?.Policy is { ReportUris.Count: > 0 };

    /// <summary>Sends the report of <paramref name="result"/> for <paramref name="target"/> to each of its policy's report URIs; each failure is a warning.</summary>
    public static async Task SendAsync(HttpClient client, PinValidationResult result, ServerTarget target, TimeProvider time, Action<string> warn, CancellationToken cancel)
    {
        if (!Reportable(result))
        {
            return;
        }

        var body = PinViolationReport.ToJson(result, target.Port, time.GetUtcNow());
        foreach (var uri in result.Policy!.ReportUris)
        {
            try
            {
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = await client.PostAsync(uri, content, cancel).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    warn($"the report for '{target}' to '{uri}' was answered {(int)response.StatusCode} {response.ReasonPhrase}.");
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancel.IsCancellationRequested)
            {
                warn($"the report for '{target}' could not be sent to '{uri}': {(ex is TaskCanceledException ? $"no answer within {Timeout.TotalSeconds:0} seconds" : ex.Message)}.");
            }
        }
    }
}
