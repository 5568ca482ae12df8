using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pinset.Collector;

/// <summary>One host's reports in the range: all of them, apps' by mode, and probes' (<see cref="Collector.Probes"/>).</summary>
internal sealed record HostSummary(string Host, long Reports, long Enforced, long ReportOnly, long Probes, DateTimeOffset LastSeen);

/// <summary>Reports in one bucket of the chart: apps' by mode, and probes'.</summary>
internal sealed record TimelinePoint(DateTimeOffset Start, long Enforced, long ReportOnly, long Unspecified, long Probes)
{
    public long Total => Enforced + ReportOnly + Unspecified + Probes;
}

/// <summary>Reports with one outcome in one mode, from apps or from probes (<see cref="Collector.Probes"/>).</summary>
internal sealed record OutcomeCount(string Outcome, string Mode, bool Probe, long Reports);

/// <summary>Reports from one app version in one mode.</summary>
internal sealed record VersionCount(string AppName, string AppVersion, string Mode, long Reports, DateTimeOffset LastSeen);

/// <summary>A validated chain users met, with the pins their policy knew.</summary>
internal sealed record SeenChain(IReadOnlyList<CertificateInfo> Chain, IReadOnlyList<string> KnownPins, long Reports, DateTimeOffset FirstSeen, DateTimeOffset LastSeen);

/// <summary>
/// A CA key seen in reported chains that the host's policy does not pin, with the policy change that would admit it as
/// a backup pin, to review and apply yourself (<see cref="PolicyChange"/>): how (<see cref="Apply"/>), and a unified diff
/// of the policy file or the whole proposed file. The collector never applies it.
/// </summary>
internal sealed record PinSuggestion(string Pin, string Subject, string Issuer, bool SelfSigned, long Reports, string PolicySource, string Apply, string? Diff, string? ProposedFile);

/// <summary>Everything the dashboard shows about one host.</summary>
internal sealed record HostDetail(
    string Host,
    int BucketMinutes,
    IReadOnlyList<TimelinePoint> Timeline,
    IReadOnlyList<OutcomeCount> Outcomes,
    IReadOnlyList<VersionCount> Versions,
    IReadOnlyList<SeenChain> Chains,
    IReadOnlyList<string> PolicyPins,
    string PolicySource,
    IReadOnlyList<PinSuggestion> Suggestions);

/// <summary>The hosts in the range and the app versions to filter by (<c>GET /api/hosts</c>).</summary>
internal sealed record HostList(DateTimeOffset From, DateTimeOffset To, string? AppVersion, IReadOnlyList<HostSummary> Hosts, IReadOnlyList<string> AppVersions);

/// <summary>The whole page: the host list and the selected host's detail.</summary>
internal sealed record DashboardModel(ReportFilter Filter, HostList List, HostDetail? Selected);

/// <summary>Source-generated JSON for what the collector stores and serves.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(CertificateInfo[]), TypeInfoPropertyName = "CertificateInfoArray")]
[JsonSerializable(typeof(string[]), TypeInfoPropertyName = "StringArray")]
[JsonSerializable(typeof(IReadOnlyList<string>), TypeInfoPropertyName = "IReadOnlyListString")]
[JsonSerializable(typeof(HostList))]
[JsonSerializable(typeof(HostDetail))]
internal sealed partial class CollectorJson : JsonSerializerContext;
