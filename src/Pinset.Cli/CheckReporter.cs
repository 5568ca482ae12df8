using System.Text;

namespace Pinset.Cli;

/// <summary>
/// Sends <c>check --report</c>'s RFC 7469 reports. A dead, slow or failing report endpoint is warned about and never
/// changes the exit code: the verdict is the checked servers', not the reporter's.
/// </summary>
internal static class CheckReporter
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static async Task SendAsync(IEnumerable<CheckFinding> findings, CliConsole output, CancellationToken cancel)
    {
        using var client = new HttpClient { Timeout = Timeout };
        foreach (var finding in findings.Where(f => f.Failed && f.Result?.Policy is { ReportUris.Count: > 0 }))
        {
            var body = PinViolationReport.ToJson(finding.Result!, finding.Target.Port, output.Time.GetUtcNow());
            foreach (var uri in finding.Result!.Policy!.ReportUris)
            {
                try
                {
                    using var content = new StringContent(body, Encoding.UTF8, "application/json");
                    using var response = await client.PostAsync(uri, content, cancel).ConfigureAwait(false);
                    if (!response.IsSuccessStatusCode)
                    {
                        output.Warn($"the report for '{finding.Target}' to '{uri}' was answered {(int)response.StatusCode} {response.ReasonPhrase}.");
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancel.IsCancellationRequested)
                {
                    output.Warn($"the report for '{finding.Target}' could not be sent to '{uri}': {(ex is TaskCanceledException ? $"no answer within {Timeout.TotalSeconds:0} seconds" : ex.Message)}.");
                }
            }
        }
    }
}
