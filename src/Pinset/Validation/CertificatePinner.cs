using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Pinset;

/// <summary>
/// Checks a TLS server's chain against a <see cref="PinningPolicy"/>, after and on top of the platform's own validation:
/// a chain the platform rejected is refused whatever the pins say, and pins are matched against the chain the platform
/// built (<see cref="X509Chain.ChainElements"/>), never against what the server merely sent. Plug it into a transport
/// with the <c>UseCertificatePinning</c> extensions. Immutable and thread-safe; build one and share it.
/// </summary>
public sealed class CertificatePinner
{
    private readonly PinningPolicy? _policy;
    private readonly Func<PinningPolicy>? _currentPolicy;

    /// <summary>Creates a pinner for a policy.</summary>
    public CertificatePinner(PinningPolicy policy, CertificatePinnerOptions? options = null)
        : this(options)
    {
        _policy = policy ?? throw new ArgumentNullException(nameof(policy));
    }

    private CertificatePinner(Func<PinningPolicy> currentPolicy, CertificatePinnerOptions? options)
        : this(options)
    {
        _currentPolicy = currentPolicy ?? throw new ArgumentNullException(nameof(currentPolicy));
    }

    /// <summary>
    /// Creates a pinner whose policy can be replaced while it runs (configuration reload): every validation reads
    /// <paramref name="currentPolicy"/> once and uses that policy throughout. If it throws, the connection is refused.
    /// </summary>
    public static CertificatePinner WithPolicySource(Func<PinningPolicy> currentPolicy, CertificatePinnerOptions? options = null) => new(currentPolicy, options);

    private CertificatePinner(CertificatePinnerOptions? options)
    {
        Options = options ?? new CertificatePinnerOptions();
        if (Options.TimeProvider is null)
        {
            throw new ArgumentException("CertificatePinnerOptions.TimeProvider is null; leave it unset for the system clock.", nameof(options));
        }

        if (Options.CustomTrustRoots is { Count: 0 })
        {
            throw new ArgumentException(
                "CertificatePinnerOptions.CustomTrustRoots is an empty collection, which would trust no root at all; Pinset refuses it rather than fall back to the system store. Add the roots to trust, or leave it null to trust the system store.",
                nameof(options));
        }
    }

    /// <summary>The policy in force now.</summary>
    public PinningPolicy Policy => _policy ?? _currentPolicy!() ?? throw new InvalidOperationException("The current pinning policy is null.");

    /// <summary>The options.</summary>
    public CertificatePinnerOptions Options { get; }

    /// <summary>True when the policy can change while the pinner runs (<see cref="WithPolicySource"/>).</summary>
    internal bool HasPolicySource => _currentPolicy is not null;

    /// <summary>
    /// Validates a server's chain for a host. <paramref name="chain"/> and <paramref name="sslPolicyErrors"/> are what the
    /// platform's certificate callback received. Where <see cref="CertificatePinnerOptions.CustomTrustRoots"/> or revocation
    /// checking are set and the platform built the chain without them, the chain is built once more with them.
    /// Never throws for a bad chain: the verdict is in the result.
    /// </summary>
    public PinValidationResult Validate(string? host, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors sslPolicyErrors) =>
        Validate(host, 0, certificate, chain, sslPolicyErrors);

    /// <summary>
    /// As <see cref="Validate(string?, X509Certificate?, X509Chain?, SslPolicyErrors)"/>, for a server on
    /// <paramref name="port"/> (0 when unknown), which refusing and flagged results carry for reports. Every result, from
    /// an adapter's callback or a direct call, goes to <see cref="CertificatePinnerOptions.OnValidated"/>; if the observer
    /// throws, this throws its exception (an adapter then refuses the connection).
    /// </summary>
    public PinValidationResult Validate(string? host, int port, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors sslPolicyErrors) =>
        Validate(host, port, certificate, chain, sslPolicyErrors, out _);

    /// <summary>
    /// As the public overload, and says which policy the verdict was made under (null when it was refused before a policy
    /// was read): a connection is recorded as allowed under that policy, never under one read again afterwards, which a
    /// reload landing in between could have replaced.
    /// </summary>
    internal PinValidationResult Validate(string? host, int port, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors sslPolicyErrors, out PinningPolicy? judgedUnder)
    {
        var result = Judge(host, port, certificate, chain, sslPolicyErrors, out judgedUnder);
        Options.OnValidated?.Invoke(result);
        return result;
    }

    private PinValidationResult Judge(string? host, int port, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors sslPolicyErrors, out PinningPolicy? judgedUnder)
    {
        judgedUnder = null;
        string name = HostName.TryNormalize(host, out var normalized, out var hostError) ? normalized : host ?? string.Empty;
        if (certificate is null || chain is null)
        {
            return new PinValidationResult(PinValidationOutcome.PlatformValidationFailed, name, null)
            {
                PlatformErrors = sslPolicyErrors | SslPolicyErrors.RemoteCertificateNotAvailable,
                Detail = "The server presented no certificate.",
            };
        }

        if (ChainPolicyGuard.Relaxation(chain.ChainPolicy, Options) is { } relaxed)
        {
            return Flagged(PinValidationOutcome.PlatformValidationFailed, name, port, null, certificate, chain,
                $"The platform validated this chain under a relaxed chain policy: {relaxed}. Pins are never checked on top of relaxed validation; remove the setting (it was made on the connection's options, perhaps after pinning), or see CertificatePinnerOptions.DangerousAcceptRelaxedChainPolicy.",
                errors: sslPolicyErrors);
        }

        // The policy is read once: the verdict, and the record of what it was made under, use this one.
        var policy = judgedUnder = Policy;
        if (NeedsOwnChain(chain))
        {
            using var own = new OwnChain(chain, certificate, Options);
            return Decide(policy, name, port, hostError, certificate, own.Chain, own.PlatformErrors(sslPolicyErrors));
        }

        return Decide(policy, name, port, hostError, certificate, chain, sslPolicyErrors);
    }

    private PinValidationResult Decide(PinningPolicy policy, string host, int port, string hostError, X509Certificate certificate, X509Chain chain, SslPolicyErrors errors)
    {
        var elements = chain.ChainElements;
        if (errors != SslPolicyErrors.None || elements.Count == 0)
        {
            return Flagged(PinValidationOutcome.PlatformValidationFailed, host, port, null, certificate, chain, ChainStatusText.Describe(errors, chain), errors: errors);
        }

        if (hostError.Length > 0)
        {
            return Flagged(PinValidationOutcome.UnpinnedHostRefused, host, port, null, certificate, chain, hostError);
        }

        var verdict = Judge(policy, host, new ElementDer(elements));
        return verdict.Outcome switch
        {
            PinValidationOutcome.PinMatched => verdict.Match!.Allowed(host),
            PinValidationOutcome.NoPolicy => new PinValidationResult(PinValidationOutcome.NoPolicy, host, null),
            _ => Flagged(verdict.Outcome, host, port, verdict.Match, certificate, chain, verdict.Detail, enforced: verdict.Enforced),
        };
    }

    /// <summary>
    /// The policy's verdict on a chain the platform validated, for a normalised host: which policy applies, whether a
    /// banned key is in the chain, whether the policy has expired, whether a pinned key is in the chain, and what the mode
    /// makes of it. A ban is a revocation, not a pin that can go stale or be tried out: banned keys are refused after the
    /// policy expires and in report-only mode too.
    /// </summary>
    internal Verdict Judge<TChain>(PinningPolicy policy, string host, TChain chain)
        where TChain : struct, IChainDer
    {
        var match = policy.FindNormalized(host);
        if (match is null)
        {
            return policy.RequirePinnedHosts
                ? new Verdict(PinValidationOutcome.UnpinnedHostRefused, null, "'requirePinnedHosts' is true and no host pattern matches this host.")
                : new Verdict(PinValidationOutcome.NoPolicy, null, null);
        }

        var rule = match.Policy;
        var outcome = ChainMatcher.Match(rule, chain, out var bannedAt);
        bool expired = rule.IsExpired(Options.TimeProvider.GetUtcNow());
        string? expiry = expired ? $"The policy expired at {rule.Expires:yyyy-MM-dd'T'HH:mm:ss'Z'}." : null;
        if (outcome == PinValidationOutcome.BannedPin)
        {
            string why = expired ? $" {expiry} Banned keys stay refused after a policy expires."
                : rule.Mode == PinningMode.ReportOnly ? " Banned keys are refused in report-only mode too." : string.Empty;
            return new Verdict(PinValidationOutcome.BannedPin, match, $"Chain certificate {bannedAt} ('{chain.Subject(bannedAt)}') has a banned key.{why}");
        }

        return outcome switch
        {
            _ when policy.Refusal is { } refusal => new Verdict(PinValidationOutcome.PinMismatch, match, refusal),
            _ when expired => new Verdict(PinValidationOutcome.PolicyExpired, match, expiry),
            PinValidationOutcome.PinMatched => new Verdict(PinValidationOutcome.PinMatched, match, null),
            _ when rule.Mode == PinningMode.ReportOnly => new Verdict(PinValidationOutcome.ReportOnlyMismatch, match, null, outcome),
            _ => new Verdict(outcome, match, null),
        };
    }

    /// <summary>A result that carries both chains: every outcome but the two cheap ones.</summary>
    private PinValidationResult Flagged(
        PinValidationOutcome outcome,
        string host,
        int port,
        PinningPolicy.Match? match,
        X509Certificate certificate,
        X509Chain chain,
        string? detail,
        SslPolicyErrors errors = SslPolicyErrors.None,
        PinValidationOutcome? enforced = null)
    {
        return new PinValidationResult(outcome, host, match)
        {
            Port = port,
            EnforcedOutcome = enforced,
            PlatformErrors = errors,
            Detail = detail,
            ValidatedChain = ChainCertificate.FromChain(chain),
            ServedChain = ChainCertificate.FromServed(certificate, chain),
            Authorities = Options.CertificateAuthorities,
        };
    }

    private bool NeedsOwnChain(X509Chain chain)
    {
        var used = chain.ChainPolicy;
        bool trustMissing = Options.HasCustomTrust
            && (used.TrustMode != X509ChainTrustMode.CustomRootTrust || !CertificateSet.ContainsAll(used.CustomTrustStore, Options.CustomTrustRoots!));
        bool revocationMissing = Options.CheckCertificateRevocation && used.RevocationMode == X509RevocationMode.NoCheck;
        return trustMissing || revocationMissing;
    }
}
