using System.Security.Cryptography;
using System.Text;

namespace Pinset.Collector;

/// <summary>
/// One validated report, as stored: the RFC 7469 fields that identify what was seen, plus Pinset's mode, outcome and
/// app fields. The report's own <c>date-time</c> is not kept (client clocks are not trusted and would make every report
/// unique); the collector's receipt time is.
/// </summary>
internal sealed record ReceivedReport(
    string Host,
    int Port,
    string NotedHost,
    bool IncludeSubdomains,
    string Mode,
    string Outcome,
    string AppName,
    string AppVersion,
    IReadOnlyList<string> KnownPins,
    ChainInfo ValidatedChain,
    ChainInfo ServedChain)
{
    /// <summary>The mode of a report that does not say (browsers' HPKP reports).</summary>
    public const string UnspecifiedMode = "unspecified";

    /// <summary>
    /// The aggregation key: hex SHA-256 of every stored field (host, port, noted host, include-subdomains, mode, outcome,
    /// app name and version, sorted known pins, and both chains by certificate hash). Identical reports within one
    /// minute share a row and a count.
    /// </summary>
    public string Fingerprint { get; } = ComputeFingerprint(Host, Port, NotedHost, IncludeSubdomains, Mode, Outcome, AppName, AppVersion, KnownPins, ValidatedChain, ServedChain);

    private static string ComputeFingerprint(string host, int port, string notedHost, bool includeSubdomains, string mode, string outcome, string appName, string appVersion, IReadOnlyList<string> knownPins, ChainInfo validated, ChainInfo served)
    {
        var text = new StringBuilder()
            .Append(host).Append('\n').Append(port).Append('\n').Append(notedHost).Append('\n').Append(includeSubdomains).Append('\n')
            .Append(mode).Append('\n').Append(outcome).Append('\n').Append(appName.Length).Append(':').Append(appName).Append('\n')
            .Append(appVersion.Length).Append(':').Append(appVersion).Append('\n').AppendJoin(',', knownPins.Order(StringComparer.Ordinal)).Append('\n')
            .Append(validated.Fingerprint).Append('\n').Append(served.Fingerprint).ToString();
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}

/// <summary>One certificate of a reported chain: its key's pin, names, whether it is a CA, and its SHA-256.</summary>
internal sealed record CertificateInfo(string Pin, string Subject, string Issuer, bool IsAuthority, string Sha256);

/// <summary>A reported chain, leaf first, with its JSON form (as stored) and a fingerprint over its certificates.</summary>
internal sealed record ChainInfo(IReadOnlyList<CertificateInfo> Certificates, string Json, string Fingerprint)
{
    public static ChainInfo Empty { get; } = new([], "[]", string.Empty);
}
