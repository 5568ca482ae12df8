using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Pinset.Extensions;

/// <summary>
/// The policy in force, in one place. Every <see cref="PinningOptions"/> instance the options system builds passes
/// through <see cref="Accept"/> (the validator calls it): the first one must build a policy or the host refuses to start;
/// a later one (a configuration reload) replaces the policy when it builds, and is logged with every error and ignored
/// when it does not. <see cref="Current"/> also compares the policy's source with the options in force, so a change that
/// happened before anyone asked (before the first client, between start-up and first use) is never missed. Thread-safe;
/// readers take one volatile read.
/// </summary>
internal sealed class PinningPolicyMonitor
{
    private readonly IServiceProvider _services;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private State? _state;
    private IOptionsMonitor<PinningOptions>? _options;
    private PinBundleStore? _bundles;
    private PinningPolicy? _lastEffective;

    // The options monitor is resolved on first use: the validator, which the options system runs while building options,
    // depends on this class, so taking the monitor in the constructor would be a cycle.
    public PinningPolicyMonitor(IServiceProvider services, ILoggerFactory? loggers = null)
    {
        _services = services;
        _log = (loggers ?? NullLoggerFactory.Instance).CreateLogger("Pinset");
    }

    /// <summary>Raised after a reload replaced the policy, with the old and the new one.</summary>
    public event Action<PinningPolicy, PinningPolicy>? Replaced;

    /// <summary>
    /// The policy for new connections now: a fresh pin bundle's when bundles are configured and one is in force (see
    /// <see cref="PinBundleStore.Effective"/>), else the configuration's.
    /// </summary>
    public PinningPolicy Current
    {
        get
        {
            var options = (_options ??= _services.GetRequiredService<IOptionsMonitor<PinningOptions>>()).CurrentValue;
            var state = Volatile.Read(ref _state);
            if (state is null || !state.Knows(options))
            {
                Accept(options);
                state = Volatile.Read(ref _state);
            }

            var configured = state?.Policy ?? throw new InvalidOperationException("No pinning policy is in force; the configuration was refused at start-up.");
            return Bundles.Enabled ? Bundles.Effective(configured) : configured;
        }
    }

    /// <summary>The pin bundles' store (inert without a bundle URL).</summary>
    public PinBundleStore Bundles => LazyInitializer.EnsureInitialized(ref _bundles, () =>
    {
        var store = _services.GetService<PinBundleStore>() ?? new PinBundleStore(TimeProvider.System);
        store.Changed += OnBundleChanged;
        return store;
    });

    /// <summary>The options the policy in force was built from (trust roots and observers are read from the first ones).</summary>
    public PinningOptions? Options => Volatile.Read(ref _state)?.Source;

    /// <summary>True when the latest configuration was refused and an older policy stays in force.</summary>
    public bool IsStale => Volatile.Read(ref _state)?.Rejected is not null;

    /// <summary>
    /// Takes a newly built options instance. Returns the errors when it is the first and does not build (start-up must
    /// fail); otherwise applies it, or logs its errors and keeps the last good policy, and returns none.
    /// </summary>
    public IReadOnlyList<string> Accept(PinningOptions options)
    {
        PinningPolicy? replaced = null;
        PinningPolicy? policy;
        lock (_gate)
        {
            var state = _state;
            if (state is not null && state.Knows(options))
            {
                return [];
            }

            if (state is { Rejected: null } && options.ConfigurationErrors.Count == 0 && options.Configuration.Equals(state.Source.Configuration))
            {
                // A reload that changes nothing (the file saved again, a key elsewhere in appsettings.json edited) is no
                // change: the same policy object stays, so pooled connections are not judged again and nothing is logged.
                Volatile.Write(ref _state, state with { Source = options });
                return [];
            }

            IReadOnlyList<string> errors;
            try
            {
                policy = Build(options);
                errors = [];
            }
            catch (PinningConfigurationException ex)
            {
                policy = null;
                errors = ex.Errors;
            }

            if (state is null)
            {
                if (policy is null)
                {
                    PinningLog.ConfigurationRefused(_log, errors.Count, Lines(errors));
                    return errors;
                }

                // The bundle state is read with the first policy, so a client starts with its last good bundle, offline,
                // and an unreadable anti-rollback memory stops the start-up like a bad policy does.
                try
                {
                    var problems = (options.Bundles ?? new PinBundleOptions()).Problems(out var keys);
                    if (problems.Count > 0)
                    {
                        PinningLog.ConfigurationRefused(_log, problems.Count, Lines(problems));
                        return problems;
                    }

                    Bundles.Start(options.Bundles ?? new PinBundleOptions(), keys);
                }
                catch (PinningConfigurationException ex)
                {
                    PinningLog.ConfigurationRefused(_log, ex.Errors.Count, Lines(ex.Errors));
                    return ex.Errors;
                }

                Volatile.Write(ref _state, new State(options, policy, null));
                return [];
            }

            if (policy is null)
            {
                Volatile.Write(ref _state, state with { Rejected = options });
                PinningLog.ReloadRejected(_log, errors.Count, Lines(errors));
                return [];
            }

            Volatile.Write(ref _state, new State(options, policy, null));
            PinningLog.ReloadApplied(_log, policy.Policies.Count);
            replaced = state.Policy;
        }

        Replaced?.Invoke(replaced, policy);
        return [];
    }

    /// <summary>Builds the policy of <paramref name="options"/>, with the configuration section's own errors first.</summary>
    private static PinningPolicy Build(PinningOptions options)
    {
        var errors = new List<string>(options.ConfigurationErrors);
        try
        {
            var policy = PinningPolicy.Create(options.Configuration ?? new PinningConfiguration());
            return errors.Count == 0 ? policy : throw new PinningConfigurationException(errors);
        }
        catch (PinningConfigurationException ex) when (errors.Count > 0)
        {
            throw new PinningConfigurationException([.. errors, .. ex.Errors]);
        }
    }

    /// <summary>A bundle applied or expired: connections judge by the new effective policy, and observers hear of it as a reload.</summary>
    private void OnBundleChanged()
    {
        var before = Volatile.Read(ref _lastEffective) ?? Volatile.Read(ref _state)?.Policy;
        var now = Current;
        Volatile.Write(ref _lastEffective, now);
        if (before is not null && !ReferenceEquals(before, now))
        {
            Replaced?.Invoke(before, now);
        }
    }

    private static string Lines(IEnumerable<string> errors) => string.Join(Environment.NewLine, errors.Select(e => "  - " + e));

    /// <param name="Source">The options the policy was built from.</param>
    /// <param name="Policy">The policy in force.</param>
    /// <param name="Rejected">Newer options that did not build, if any.</param>
    private sealed record State(PinningOptions Source, PinningPolicy Policy, PinningOptions? Rejected)
    {
        public bool Knows(PinningOptions options) => ReferenceEquals(options, Source) || ReferenceEquals(options, Rejected);
    }
}
