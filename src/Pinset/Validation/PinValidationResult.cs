using System.Net.Security;
using System.Text;

namespace Pinset;

/// <summary>
/// The verdict of one validation, with what a person needs to act on it: the host, the policy and pins it expected,
/// and each certificate of the validated chain with its pin and subject, leaf first. <see cref="ToString"/> is the
/// failure block users see. Chains are captured for every outcome except <see cref="PinValidationOutcome.PinMatched"/>
/// and <see cref="PinValidationOutcome.NoPolicy"/>, which stay cheap on the handshake path.
/// </summary>
public sealed class PinValidationResult
{
    internal PinValidationResult(PinValidationOutcome outcome, string host, PinningPolicy.Match? match)
    {
        Outcome = outcome;
        Host = host;
        Policy = match?.Policy;
        MatchedPattern = match?.Pattern;
    }

    internal static PinValidationResult Refused(PinValidationOutcome outcome, string host, string detail) => new(outcome, host, null) { Detail = detail };

    internal static PinValidationResult ForError(string host, Exception exception) => new(PinValidationOutcome.ValidationError, host, null)
    {
        Detail = $"{exception.GetType().Name}: {exception.Message}",
        Exception = exception,
    };

    /// <summary>The verdict.</summary>
    public PinValidationOutcome Outcome { get; }

    /// <summary>True when the connection may proceed: allowed, not pinned, policy expired, or report-only mismatch.</summary>
    public bool IsAllowed => Outcome is PinValidationOutcome.PinMatched or PinValidationOutcome.NoPolicy or PinValidationOutcome.PolicyExpired or PinValidationOutcome.ReportOnlyMismatch;

    /// <summary>True when the connection may proceed but something is worth reporting: an expired policy or a report-only mismatch.</summary>
    public bool IsFlagged => Outcome is PinValidationOutcome.PolicyExpired or PinValidationOutcome.ReportOnlyMismatch;

    /// <summary>The host name, normalised where it could be.</summary>
    public string Host { get; }

    /// <summary>The server's port where the transport revealed it, on every result that carries chains; otherwise 0.</summary>
    public int Port { get; internal set; }

    /// <summary>The same result for a connection whose port the caller knows (an SslStream callback does not reveal it).</summary>
    internal PinValidationResult WithPort(int port)
    {
        var copy = (PinValidationResult)MemberwiseClone();
        copy.Port = port;
        return copy;
    }

    /// <summary>The policy that applied to the host; null when none did.</summary>
    public HostPolicy? Policy { get; }

    /// <summary>The pattern of <see cref="Policy"/> that matched the host.</summary>
    public HostPattern? MatchedPattern { get; }

    /// <summary>The public-key pins the policy expected.</summary>
    public IReadOnlyList<SpkiPin> ExpectedPins => Policy?.Pins ?? ReadOnlyArray<SpkiPin>.Empty;

    /// <summary>The certificate fingerprints the policy expected.</summary>
    public IReadOnlyList<CertificateFingerprint> ExpectedCertificates => Policy?.Certificates ?? ReadOnlyArray<CertificateFingerprint>.Empty;

    /// <summary>For <see cref="PinValidationOutcome.ReportOnlyMismatch"/>: what enforcing the policy would have decided.</summary>
    public PinValidationOutcome? EnforcedOutcome { get; internal init; }

    /// <summary>The chain the platform built and validated, leaf first (see the class remarks for when it is captured).</summary>
    public IReadOnlyList<ChainCertificate> ValidatedChain { get; internal init; } = [];

    /// <summary>The certificates the server sent, leaf first, whether or not they are on the validated path.</summary>
    public IReadOnlyList<ChainCertificate> ServedChain { get; internal init; } = [];

    /// <summary>What the platform reported about the chain and the name.</summary>
    public SslPolicyErrors PlatformErrors { get; internal init; }

    /// <summary>A sentence on why: the platform's chain status, the banned pin found, or the error that stopped validation.</summary>
    public string? Detail { get; internal init; }

    /// <summary>The CA map the failure block names operators with (<see cref="CertificatePinnerOptions.CertificateAuthorities"/>); null for the built-in one, read only when a block with a chain is written.</summary>
    internal CertificateAuthorityMap? Authorities { get; init; }

    /// <summary>The exception that stopped validation, for <see cref="PinValidationOutcome.ValidationError"/>.</summary>
    public Exception? Exception { get; internal init; }

    /// <summary>The failure block: what happened, the host, the expected pins and the validated chain, leaf first.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine(Headline());
        text.Append("  Host: ").Append(Host);
        if (Port > 0)
        {
            // Two servers on one host (a gateway's ports, a test and a production port) are told apart.
            text.Append(", port ").Append(Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        text.AppendLine();
        if (Policy is not null)
        {
            text.Append("  Policy: ").Append(Policy).Append(", matched by '").Append(MatchedPattern).AppendLine("'");
        }

        if (Detail is not null)
        {
            text.Append("  Detail: ").AppendLine(Detail);
        }

        if (Policy is not null)
        {
            AppendList(text, "Pinned public keys:", ExpectedPins);
            AppendList(text, "Pinned certificates:", ExpectedCertificates);
            AppendList(text, "Banned public keys:", Policy.BannedPins);
        }

        // After the platform refused, the chain it built was not validated, and the block must not call it so.
        var map = ValidatedChain.Count > 0 ? Authorities ?? CertificateAuthorityMap.BuiltIn : null;
        AppendChain(text, Outcome == PinValidationOutcome.PlatformValidationFailed ? "Chain the platform built but did not validate, leaf first:" : "Validated chain, leaf first:", ValidatedChain, map);
        if (ServedChain.Count > 0 && !ServedChain.Select(c => c.Fingerprint).SequenceEqual(ValidatedChain.Select(c => c.Fingerprint)))
        {
            AppendChain(text, "Served by the server, in order:", ServedChain, map);
        }

        // What changed between the pinned CAs and the presented one, with its fix, when the map knows both; else the
        // general advice.
        var change = map is not null && (Outcome == PinValidationOutcome.PinMismatch || EnforcedOutcome == PinValidationOutcome.PinMismatch) ? ChainOperators.Change(this, map) : null;
        if (change is not null)
        {
            text.AppendLine(change);
        }
        else if (Advice() is { } advice)
        {
            text.Append("  What to do: ").AppendLine(advice);
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>One line on what to do about a pinning refusal (platform refusals get the transport's own advice).</summary>
    private string? Advice() => (Outcome == PinValidationOutcome.ReportOnlyMismatch ? EnforcedOutcome : Outcome) switch
    {
        PinValidationOutcome.PinMismatch => $"if '{Host}' rotated its certificate, check what it presents from a network you trust ('pinset pin {Host}') and add the new key's pin, or ship a signed pin bundle; if it did not change, this connection is being intercepted: do not pin what it presents.",
        PinValidationOutcome.BannedPin => $"a key you banned is in the chain: '{Host}' still uses a revoked key, or whoever holds that key is intercepting; have the certificate replaced, and keep the ban.",
        PinValidationOutcome.UnpinnedHostRefused => $"add '{Host}' to a policy's 'hosts' (with its pins), or set 'requirePinnedHosts' to false if unpinned hosts are meant to be reached.",
        _ => null,
    };

    private string Headline() => Outcome switch
    {
        PinValidationOutcome.PinMatched => "Certificate pinning passed: a pinned key is in the validated chain.",
        PinValidationOutcome.NoPolicy => "Certificate pinning not applied: no policy matches this host.",
        PinValidationOutcome.PolicyExpired => "Certificate pinning skipped: the host's policy has expired and is no longer enforced (allowed, flagged).",
        PinValidationOutcome.ReportOnlyMismatch => $"Certificate pinning failure (report-only, connection allowed): {(EnforcedOutcome == PinValidationOutcome.BannedPin ? "a banned key is in the validated chain." : "no pinned key is in the validated chain.")}",
        PinValidationOutcome.PinMismatch => "Certificate pinning failure! No pinned key is in the validated chain; the connection was refused.",
        PinValidationOutcome.BannedPin => "Certificate pinning failure! A banned key is in the validated chain; the connection was refused.",
        PinValidationOutcome.PlatformValidationFailed => "Certificate validation failure! The platform did not validate the chain, so pins were not consulted; the connection was refused.",
        PinValidationOutcome.UnpinnedHostRefused => "Certificate pinning failure! No policy matches this host and unpinned hosts are refused; the connection was refused.",
        _ => "Certificate pinning failure! Validation could not complete, so the connection was refused to fail closed.",
    };

    /// <summary>Each certificate as <see cref="AppendList"/> writes it, and the operator of each the map knows.</summary>
    private static void AppendChain(StringBuilder text, string title, IReadOnlyList<ChainCertificate> chain, CertificateAuthorityMap? map)
    {
        AppendList<string>(text, title, [.. chain.Select(c => map is not null && ChainOperators.Label(c, map) is { } label ? $"{c}  ({label})" : c.ToString())]);
    }

    private static void AppendList<T>(StringBuilder text, string title, IReadOnlyList<T> items)
    {
        if (items.Count == 0)
        {
            return;
        }

        text.Append("  ").AppendLine(title);
        foreach (var item in items)
        {
            text.Append("    ").Append(item).AppendLine();
        }
    }
}
