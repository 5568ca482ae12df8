using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace Pinset.Collector;

/// <summary>
/// The dashboard as one server-rendered HTML page: no script, no CDN, the chart an inline SVG. Every value that came
/// from a report or the query string passes through <see cref="HtmlEncoder"/> (and URL values through
/// <see cref="QueryString"/>), and the Content-Security-Policy forbids scripts anyway.
/// </summary>
internal static class DashboardPage
{
    private const int ChartWidth = 720;
    private const int ChartHeight = 160;

    public static string Render(DashboardModel model)
    {
        var html = new StringBuilder(16 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Pinset Collector</title>")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><link rel=\"stylesheet\" href=\"/dashboard.css\"></head><body>\n")
            .Append("<header><h1>Pinset Collector</h1><p>Pin-violation reports from your apps, and what to do about them.</p></header>\n");
        Filters(html, model);
        Hosts(html, model);
        if (model.Selected is { } detail)
        {
            Host(html, model.Filter, detail);
        }

        html.Append("<footer>JSON: <a href=\"/api/hosts\">/api/hosts</a>. Nothing on this page changes a policy: every proposed change is for you to review and apply.</footer>\n</body></html>\n");
        return html.ToString();
    }

    private static void Filters(StringBuilder html, DashboardModel model)
    {
        var filter = model.Filter;
        html.Append("<form id=\"filters\" method=\"get\" action=\"/\"><label>Host <select name=\"host\" id=\"host\">");
        foreach (var host in model.List.Hosts)
        {
            Option(html, host.Host, host.Host, host.Host == filter.Host);
        }

        html.Append("</select></label> <label>From <input type=\"datetime-local\" name=\"from\" id=\"from\" value=\"").Append(Local(filter.From)).Append("\"></label>")
            .Append(" <label>To <input type=\"datetime-local\" name=\"to\" id=\"to\" value=\"").Append(Local(filter.To)).Append("\"></label> (UTC)")
            .Append(" <label>App version <select name=\"appVersion\" id=\"appVersion\">");
        Option(html, string.Empty, "all versions", filter.AppVersion is null);
        foreach (var version in model.List.AppVersions)
        {
            Option(html, version, version.Length == 0 ? "(none given)" : version, version == filter.AppVersion);
        }

        html.Append("</select></label> <button type=\"submit\" id=\"apply\">Apply</button></form>\n");
    }

    private static void Hosts(StringBuilder html, DashboardModel model)
    {
        html.Append("<section id=\"hosts\"><h2>Hosts</h2>");
        if (model.List.Hosts.Count == 0)
        {
            html.Append("<p class=\"empty\">No reports in this range. Point your policies' <code>reportUris</code> at this collector's <code>/reports</code> (docs/collector.md).</p></section>\n");
            return;
        }

        html.Append("<table><thead><tr><th>Host</th><th>Reports</th><th>Enforced (refused)</th><th>Report-only (allowed, flagged)</th><th>Probes (pinset check)</th><th>Last report</th></tr></thead><tbody>");
        foreach (var host in model.List.Hosts)
        {
            html.Append("<tr><td><a href=\"").Append(E(Link(model.Filter with { Host = host.Host }))).Append("\">").Append(E(host.Host)).Append("</a></td>")
                .Append("<td>").Append(N(host.Reports)).Append("</td><td>").Append(N(host.Enforced)).Append("</td><td>").Append(N(host.ReportOnly)).Append("</td>")
                .Append("<td>").Append(N(host.Probes)).Append("</td><td>").Append(When(host.LastSeen)).Append("</td></tr>");
        }

        html.Append("</tbody></table></section>\n");
    }

    private static void Host(StringBuilder html, ReportFilter filter, HostDetail detail)
    {
        html.Append("<section id=\"detail\"><h2>").Append(E(detail.Host)).Append("</h2>");
        Advice(html, detail);
        html.Append("<h3>Failures over time</h3>");
        Chart(html, detail);
        html.Append("<h3>Outcomes</h3><table id=\"outcomes\"><thead><tr><th>Outcome</th><th>Mode</th><th>From</th><th>Reports</th></tr></thead><tbody>");
        foreach (var outcome in detail.Outcomes)
        {
            html.Append("<tr><td>").Append(E(outcome.Outcome)).Append("</td><td>").Append(E(outcome.Mode)).Append("</td><td>").Append(outcome.Probe ? "probe" : "apps")
                .Append("</td><td>").Append(N(outcome.Reports)).Append("</td></tr>");
        }

        html.Append("</tbody></table><h3>App versions</h3><table id=\"versions\"><thead><tr><th>App</th><th>Version</th><th>Mode</th><th>Reports</th><th>Last report</th></tr></thead><tbody>");
        foreach (var version in detail.Versions)
        {
            html.Append("<tr><td>").Append(E(version.AppName)).Append("</td><td><a href=\"").Append(E(Link(filter with { AppVersion = version.AppVersion }))).Append("\">")
                .Append(E(version.AppVersion.Length == 0 ? "(none given)" : version.AppVersion)).Append("</a></td><td>").Append(E(version.Mode)).Append("</td><td>")
                .Append(N(version.Reports)).Append("</td><td>").Append(When(version.LastSeen)).Append("</td></tr>");
        }

        html.Append("</tbody></table>");
        Chains(html, detail);
        Suggestions(html, detail);
        html.Append("</section>\n");
    }

    private static void Advice(StringBuilder html, HostDetail detail)
    {
        long enforced = detail.Outcomes.Where(o => o.Mode == PinningModeNames.Enforce && !o.Probe).Sum(o => o.Reports);
        long reportOnly = detail.Outcomes.Where(o => o.Mode == PinningModeNames.ReportOnly && !o.Probe).Sum(o => o.Reports);
        long probes = detail.Outcomes.Where(o => o.Probe).Sum(o => o.Reports);
        html.Append("<div id=\"advice\" class=\"advice\"><h3>What to do</h3><ul>");
        if (probes > 0)
        {
            html.Append("<li><strong>").Append(Count(probes, "check", "checks")).Append(" by <code>pinset check</code> failed</strong> against ").Append(E(detail.Host))
                .Append(": probes you or your monitoring ran, not users' connections. Compare the chain they were served with the ones below before you act.</li>");
        }

        if (enforced > 0)
        {
            html.Append("<li><strong>").Append(Count(enforced, "connection was", "connections were")).Append(" refused</strong> (enforced policy). If the chains below are legitimate (a CDN's new CA, a rotation), users are cut off now: add the backup pin below and ship it, or switch the policy to report-only while you do.</li>");
        }

        if (reportOnly > 0)
        {
            html.Append("<li>").Append(Count(reportOnly, "connection", "connections")).Append(" in report-only mode met chains the policy would refuse. ")
                .Append(detail.Suggestions.Count == 0 ? "Their CA keys are already pinned (check the outcomes: an expired policy or a banned key)." : "Until each CA key below is either pinned or known to be an interceptor, switching to enforce would refuse these users.")
                .Append("</li>");
        }

        if (detail.Suggestions.Count > 0)
        {
            html.Append("<li>Review each CA key below. Pin it as a backup only if it is yours or your provider's; a corporate proxy's or an attacker's CA shows up here too, and pinning it would defeat the pinning.</li>");
        }

        html.Append("</ul></div>");
    }

    private static void Chart(StringBuilder html, HostDetail detail)
    {
        long max = Math.Max(1, detail.Timeline.Count == 0 ? 1 : detail.Timeline.Max(p => p.Total));
        double width = (double)ChartWidth / Math.Max(1, detail.Timeline.Count);
        html.Append(CultureInfo.InvariantCulture, $"<svg id=\"chart\" role=\"img\" viewBox=\"0 0 {ChartWidth} {ChartHeight + 20}\" width=\"{ChartWidth}\" height=\"{ChartHeight + 20}\" xmlns=\"http://www.w3.org/2000/svg\">")
            .Append("<title>Reports per ").Append(detail.BucketMinutes).Append(" minutes, enforced, report-only and probes</title>");
        for (int i = 0; i < detail.Timeline.Count; i++)
        {
            var point = detail.Timeline[i];
            double x = i * width, y = ChartHeight;
            foreach (var (count, css) in new[] { (point.Enforced, "enforce"), (point.ReportOnly, "report-only"), (point.Unspecified, "unspecified"), (point.Probes, "probe") })
            {
                if (count == 0)
                {
                    continue;
                }

                double height = (double)count / max * ChartHeight;
                y -= height;
                html.Append(CultureInfo.InvariantCulture, $"<rect class=\"bar {css}\" x=\"{x:0.##}\" y=\"{y:0.##}\" width=\"{Math.Max(1, width - 1):0.##}\" height=\"{height:0.##}\"><title>")
                    .Append(When(point.Start)).Append(": ").Append(N(count)).Append(' ').Append(css).Append("</title></rect>");
            }
        }

        html.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{ChartHeight + 15}\">{When(detail.Timeline.FirstOrDefault()?.Start)}</text>")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"{ChartWidth}\" y=\"{ChartHeight + 15}\" text-anchor=\"end\">{When(detail.Timeline.LastOrDefault()?.Start)}</text>")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"4\" y=\"12\">max {N(max)}</text></svg>")
            .Append("<p class=\"legend\"><span class=\"key enforce\"></span> enforced <span class=\"key report-only\"></span> report-only <span class=\"key unspecified\"></span> mode not given (browsers) <span class=\"key probe\"></span> probes (pinset check)</p>");
    }

    private static void Chains(StringBuilder html, HostDetail detail)
    {
        var pinned = detail.PolicyPins.ToHashSet(StringComparer.Ordinal);
        var map = detail.Chains.Count > 0 ? CertificateAuthorityMap.BuiltIn : null;
        html.Append("<h3>Chains seen</h3>");
        if (map is not null && ChainAuthorities.Change(detail.Chains, map) is { } change)
        {
            html.Append("<p id=\"ca-change\" class=\"advice\">").Append(E(change)).Append("</p>");
        }

        html.Append("<p>Validated chains, leaf first, each CA with its operator where Pinset's CA map knows its key, and whether the policy (").Append(E(detail.PolicySource)).Append(") pins each key.</p><table id=\"chains\"><thead><tr><th>Reports</th><th>Chain</th><th>First and last report</th></tr></thead><tbody>");
        foreach (var chain in detail.Chains)
        {
            html.Append("<tr><td>").Append(N(chain.Reports)).Append("</td><td><ol class=\"chain\">");
            foreach (var certificate in chain.Chain)
            {
                html.Append("<li>").Append(E(certificate.Subject));
                if (map is not null && ChainAuthorities.Find(certificate, map) is { } key)
                {
                    html.Append(" <span class=\"operator\">").Append(E(key.Description)).Append("</span>");
                }

                html.Append("<br><code>").Append(E(certificate.Pin)).Append("</code> ")
                    .Append(pinned.Contains(certificate.Pin) ? "<span class=\"pinned\">pinned</span>" : certificate.IsAuthority ? "<span class=\"unpinned\">CA, not pinned</span>" : "<span class=\"leaf\">leaf</span>")
                    .Append("</li>");
            }

            html.Append("</ol></td><td>").Append(When(chain.FirstSeen)).Append("<br>").Append(When(chain.LastSeen)).Append("</td></tr>");
        }

        html.Append("</tbody></table>");
    }

    private static void Suggestions(StringBuilder html, HostDetail detail)
    {
        html.Append("<h3>CA keys the policy does not pin</h3>");
        if (detail.Suggestions.Count == 0)
        {
            html.Append("<p class=\"empty\">None: every CA key in the reported chains is pinned.</p>");
            return;
        }

        foreach (var suggestion in detail.Suggestions)
        {
            html.Append("<div class=\"suggestion\"><p><code>").Append(E(suggestion.Pin)).Append("</code>, ").Append(E(suggestion.Subject))
                .Append(suggestion.SelfSigned ? " (a root CA)" : $", issued by {E(suggestion.Issuer)}").Append(", in ").Append(N(suggestion.Reports)).Append(" reports.</p>")
                .Append("<p>To admit it as a backup pin, review and apply this change yourself. ").Append(E(suggestion.Apply)).Append("</p>");
            if (suggestion.Diff is { } diff)
            {
                html.Append("<pre class=\"diff\">");
                foreach (var line in diff.TrimEnd('\n').Split('\n'))
                {
                    var css = line.StartsWith("+++", StringComparison.Ordinal) || line.StartsWith("---", StringComparison.Ordinal) ? "file" : line.Length > 0 && line[0] == '+' ? "add" : line.Length > 0 && line[0] == '-' ? "del" : "ctx";
                    html.Append("<span class=\"").Append(css).Append("\">").Append(E(line)).Append("</span>\n");
                }

                html.Append("</pre>");
            }
            else if (suggestion.ProposedFile is { } file)
            {
                html.Append("<pre class=\"proposed-file\">").Append(E(file)).Append("</pre>");
            }

            html.Append("</div>");
        }
    }

    private static void Option(StringBuilder html, string value, string label, bool selected) =>
        html.Append("<option value=\"").Append(E(value)).Append('"').Append(selected ? " selected" : string.Empty).Append('>').Append(E(label)).Append("</option>");

    private static string Link(ReportFilter filter)
    {
        var query = new List<KeyValuePair<string, string?>> { new("host", filter.Host), new("from", filter.From.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)), new("to", filter.To.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)) };
        if (filter.AppVersion is { } version)
        {
            query.Add(new("appVersion", version));
        }

        return "/" + QueryString.Create(query);
    }

    private static string E(string value) => HtmlEncoder.Default.Encode(value);

    private static string Count(long value, string one, string many) => $"{N(value)} {(value == 1 ? one : many)}";

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Local(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);

    private static string When(DateTimeOffset? value) => value is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : string.Empty;
}
