namespace Pinset;

/// <summary>
/// Builds a <see cref="PinningPolicy"/> in code from typed pins and host patterns, in the style of Polly's pipeline
/// builders: describe every policy, then <see cref="Build"/> checks everything at once, with the same rules as a
/// configuration file, and returns an immutable, thread-safe policy. A builder builds once.
/// </summary>
/// <example>
/// <code>
/// var builder = new PinningPolicyBuilder();
/// builder.AddPolicy(p => p.ForHost(HostPattern.Parse("api.exchange.com")).Pin(current).Pin(backup));
/// PinningPolicy policy = builder.Build();
/// </code>
/// </example>
public sealed class PinningPolicyBuilder
{
    private readonly TimeProvider _time;
    private readonly List<HostPolicyBuilder> _policies = [];
    private readonly List<string> _warnings = [];
    private bool _requirePinnedHosts;
    private bool _built;

    /// <summary>A builder; <paramref name="time"/> is the clock <see cref="HostPolicyBuilder.ExpiresAfter"/> counts from (the system's by default).</summary>
    public PinningPolicyBuilder(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <summary>
    /// What <see cref="Build"/> found risky but allowed: a policy enforced with a single pin (no backup key, so a key
    /// rotation would lock clients out). A configuration file refuses that; in code, the caller decides.
    /// </summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Refuse hosts that no policy matches (<c>requirePinnedHosts</c>).</summary>
    public PinningPolicyBuilder RequirePinnedHosts(bool require = true)
    {
        ThrowIfBuilt();
        _requirePinnedHosts = require;
        return this;
    }

    /// <summary>Adds a policy, described by <paramref name="configure"/>.</summary>
    public PinningPolicyBuilder AddPolicy(Action<HostPolicyBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        ThrowIfBuilt();
        var policy = new HostPolicyBuilder(_time, () => _built);
        configure(policy);
        _policies.Add(policy);
        return this;
    }

    /// <summary>Checks every policy and builds the policy; every problem is in the exception, risks in <see cref="Warnings"/>.</summary>
    /// <exception cref="PinningConfigurationException">A policy has no host or no pin, a pin is also banned, a host pattern is in two policies, or there is no policy.</exception>
    /// <exception cref="InvalidOperationException">The builder has built already.</exception>
    public PinningPolicy Build()
    {
        ThrowIfBuilt();
        _built = true;
        var errors = new List<string>();
        if (_policies.Count == 0)
        {
            errors.Add("The builder has no policy; a pinning policy pins at least one host (AddPolicy).");
        }

        var policies = new List<HostPolicy>();
        for (int i = 0; i < _policies.Count; i++)
        {
            if (_policies[i].Check(i, errors, _warnings) is { } policy)
            {
                policies.Add(policy);
            }
        }

        return PinningPolicy.Assemble(policies, _requirePinnedHosts, errors, index => $"policy {index}");
    }

    private void ThrowIfBuilt()
    {
        if (_built)
        {
            throw new InvalidOperationException("This PinningPolicyBuilder has built its policy already; a builder builds once. Use a new builder for another policy.");
        }
    }
}
