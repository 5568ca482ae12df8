namespace Pinset;

/// <summary>
/// A validated, immutable set of <see cref="HostPolicy"/> with the rule for finding the one that applies to a host:
/// the most specific pattern wins (exact over <c>*.</c> over <c>**.</c>, longer name over shorter). Looking a host up
/// costs the same however many policies there are. Thread-safe.
/// </summary>
public sealed class PinningPolicy
{
    private readonly Dictionary<string, Match> _exact = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Match> _singleLabel = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Match> _anyDepth = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Match>.AlternateLookup<ReadOnlySpan<char>> _singleLabelBySpan;
    private readonly Dictionary<string, Match>.AlternateLookup<ReadOnlySpan<char>> _anyDepthBySpan;

    private PinningPolicy(HostPolicy[] policies, bool requirePinnedHosts, string? refusal = null)
    {
        Policies = ReadOnlyArray<HostPolicy>.Over(policies);
        RequirePinnedHosts = requirePinnedHosts;
        Refusal = refusal;
        foreach (var policy in policies)
        {
            foreach (var pattern in policy.Hosts)
            {
                TableFor(pattern.Kind)[pattern.Domain] = new Match(policy, pattern);
            }
        }

        _singleLabelBySpan = _singleLabel.GetAlternateLookup<ReadOnlySpan<char>>();
        _anyDepthBySpan = _anyDepth.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The policies, in document order.</summary>
    public IReadOnlyList<HostPolicy> Policies { get; }

    /// <summary>When true, hosts that no policy matches are refused.</summary>
    public bool RequirePinnedHosts { get; }

    /// <summary>
    /// Set on a policy made by <see cref="RefuseEveryHost"/>: why every host it covers is refused whatever its chain.
    /// Null for a policy that judges chains by their pins.
    /// </summary>
    public string? Refusal { get; }

    /// <summary>
    /// The same hosts, each refused whatever its chain, with <paramref name="reason"/> in the failure: how a client fails
    /// closed when its pins can no longer be trusted (a pin bundle expired, and falling back is not allowed). Hosts no
    /// policy covers are judged as before.
    /// </summary>
    public PinningPolicy RefuseEveryHost(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new PinningPolicy([.. Policies], RequirePinnedHosts, reason);
    }

    /// <summary>Validates a configuration and builds the policy.</summary>
    /// <exception cref="PinningConfigurationException">The configuration has errors; all of them are listed.</exception>
    public static PinningPolicy Create(PinningConfiguration configuration) => Build(configuration, []);

    /// <summary>Reads, validates and builds the policy in a JSON configuration file.</summary>
    /// <exception cref="PinningConfigurationException">The file cannot be read or has errors; all of them are listed, shape and content together.</exception>
    public static PinningPolicy Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var errors = new List<string>();
        return Build(PinningConfigurationJson.Read(path, errors), errors);
    }

    /// <summary>Reads, validates and builds the policy in JSON configuration text.</summary>
    /// <exception cref="PinningConfigurationException">The text has errors; all of them are listed, shape and content together.</exception>
    public static PinningPolicy Parse(string json, string sourceName = "policy")
    {
        var errors = new List<string>();
        return Build(PinningConfigurationJson.Read(json, sourceName, errors), errors);
    }

    /// <summary>As <see cref="Create"/>, with the backup-pin rule reported in <paramref name="backupWarnings"/> rather than refused: for tools that convert policies.</summary>
    internal static PinningPolicy CreateWaivingBackupRule(PinningConfiguration configuration, List<string> backupWarnings) => Build(configuration, [], backupWarnings);

    private static PinningPolicy Build(PinningConfiguration configuration, List<string> errors, List<string>? backupWarnings = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var policies = new List<HostPolicy>();
        if (errors.Count == 0 && (configuration.Policies is null || configuration.Policies.Count == 0))
        {
            errors.Add("pinning.policies is empty; a pinning configuration pins at least one host. A missing or empty configuration is refused rather than pinning nothing.");
        }

        for (int i = 0; i < (configuration.Policies?.Count ?? 0); i++)
        {
            if (PinningPolicyCompiler.Compile(i, configuration.Policies![i], errors, backupWarnings) is { } policy)
            {
                policies.Add(policy);
            }
        }

        return Assemble(policies, configuration.RequirePinnedHosts, errors, index => $"pinning.policies[{index}]");
    }

    /// <summary>The policy of checked host policies: each host pattern in one policy only; every error at once.</summary>
    internal static PinningPolicy Assemble(List<HostPolicy> policies, bool requirePinnedHosts, List<string> errors, Func<int, string> name)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var policy in policies)
        {
            foreach (var pattern in policy.Hosts)
            {
                if (!seen.TryAdd(pattern.ToString(), policy.Index))
                {
                    errors.Add(seen[pattern.ToString()] == policy.Index
                        ? $"{name(policy.Index)}: host pattern '{pattern}' is listed twice."
                        : $"{name(policy.Index)}: host pattern '{pattern}' is already in {name(seen[pattern.ToString()])}; each pattern belongs to one policy.");
                }
            }
        }

        return errors.Count == 0
            ? new PinningPolicy([.. policies], requirePinnedHosts)
            : throw new PinningConfigurationException(errors);
    }

    /// <summary>
    /// Finds the policy for a host name. The name is normalised first (case, trailing dot, IDN, IP literal); a name that
    /// cannot be normalised matches nothing.
    /// </summary>
    public HostPolicy? Find(string host) => Find(host, out _);

    /// <summary>Finds the policy for a host name and the pattern that matched it.</summary>
    public HostPolicy? Find(string host, out HostPattern? pattern)
    {
        ArgumentNullException.ThrowIfNull(host);
        pattern = null;
        if (!HostName.TryNormalize(host, out var name, out _))
        {
            return null;
        }

        var match = FindNormalized(name);
        pattern = match?.Pattern;
        return match?.Policy;
    }

    /// <summary>
    /// Whether a request to <paramref name="requestUri"/> may not travel in cleartext (<c>http://</c>, <c>ws://</c>) under
    /// this policy: its host is pinned, or <see cref="RequirePinnedHosts"/> is set. Pinning only protects TLS, so such a
    /// request is refused; <paramref name="reason"/> is the sentence that says so. Every pinned handler asks this before
    /// a cleartext request is sent; a transport that sends requests some other way can ask it too.
    /// </summary>
    public bool RefusesCleartext(Uri requestUri, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? reason)
    {
        ArgumentNullException.ThrowIfNull(requestUri);
        reason = null;
        if (!requestUri.IsAbsoluteUri || !HostName.TryNormalize(requestUri.IdnHost, out var host))
        {
            return false;
        }

        if (FindNormalized(host) is { } match)
        {
            reason = $"The request to '{requestUri.GetLeftPart(UriPartial.Authority)}' would travel in cleartext, but the pinning policy covers '{host}' ({match.Policy}); pinning only protects TLS, so Pinset refuses it. Use https:// (or wss://).";
        }
        else if (RequirePinnedHosts)
        {
            reason = $"The request to '{requestUri.GetLeftPart(UriPartial.Authority)}' would travel in cleartext, and 'requirePinnedHosts' is true, so every host must be pinned; pinning only protects TLS, so Pinset refuses it. Use https:// (or wss://).";
        }

        return reason is not null;
    }

    internal Match? FindNormalized(string name)
    {
        if (_exact.TryGetValue(name, out var exact))
        {
            return exact;
        }

        var span = name.AsSpan();
        int firstDot = span.IndexOf('.');
        if (firstDot > 0 && _singleLabel.Count > 0 && _singleLabelBySpan.TryGetValue(span[(firstDot + 1)..], out var single))
        {
            return single;
        }

        if (_anyDepth.Count == 0 || HostName.IsIPAddress(name))
        {
            return null;
        }

        while (true)
        {
            if (_anyDepthBySpan.TryGetValue(span, out var any))
            {
                return any;
            }

            int dot = span.IndexOf('.');
            if (dot < 0)
            {
                return null;
            }

            span = span[(dot + 1)..];
        }
    }

    private Dictionary<string, Match> TableFor(HostPatternKind kind) => kind switch
    {
        HostPatternKind.Exact => _exact,
        HostPatternKind.SingleLabelWildcard => _singleLabel,
        _ => _anyDepth,
    };

    internal sealed record Match(HostPolicy Policy, HostPattern Pattern)
    {
        private PinValidationResult? _allowedExact;

        /// <summary>
        /// The allowed result for <paramref name="host"/>. For an exact pattern the host is the pattern, so the result is
        /// one immutable value, made once: the handshake path then allocates nothing. (A race makes it twice, harmlessly.)
        /// </summary>
        public PinValidationResult Allowed(string host) => Pattern.Kind == HostPatternKind.Exact
            ? _allowedExact ??= new PinValidationResult(PinValidationOutcome.PinMatched, Pattern.Domain, this)
            : new PinValidationResult(PinValidationOutcome.PinMatched, host, this);
    }
}
