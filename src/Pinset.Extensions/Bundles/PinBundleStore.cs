using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pinset.Extensions;

/// <summary>
/// The bundle in force and the memory that keeps older ones out. <see cref="Offer"/> verifies a fetched bundle, refuses
/// a lower version or other content under a version already accepted, records the new state durably, and only then
/// applies it; a bundle whose state cannot be written is not applied. <see cref="Effective"/> is read at each handshake:
/// one volatile read and a clock read.
/// </summary>
internal sealed class PinBundleStore
{
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private Settings? _settings;
    private Applied? _applied;
    private PinBundleState? _state;
    private readonly PinBundleMetrics? _metrics;
    private int _expiryLogged;
    private Remembered? _remembered;

    public PinBundleStore(TimeProvider time, ILoggerFactory? loggers = null, IMeterFactory? meters = null)
    {
        _time = time;
        _log = (loggers ?? NullLoggerFactory.Instance).CreateLogger("Pinset");
        _metrics = meters is null ? null : new PinBundleMetrics(meters, this);
    }

    /// <summary>Called when the bundle in force changes (applied, or expired on first notice).</summary>
    public event Action? Changed;

    public bool Enabled => Volatile.Read(ref _settings) is not null;

    /// <summary>The bundle in force, expired or not; null before any.</summary>
    public PinBundle? Current => Volatile.Read(ref _applied)?.Bundle;

    public PinBundleExpiry OnExpiry => Volatile.Read(ref _settings)?.Options.OnExpiry ?? PinBundleExpiry.FallBackToConfiguration;

    /// <summary>The last refusal or failure, for the health check; cleared when a bundle applies or nothing new is found.</summary>
    public PinBundleRefreshResult? LastProblem { get; private set; }

    /// <summary>
    /// Why the remembered bundle (the state file's, or another instance's) is not in force: it did not verify when it was
    /// read, so the policy before it stays. It is tried again at each refresh and once the clock reaches its
    /// <c>issuedAt</c>; null when there is no such bundle.
    /// </summary>
    public string? RememberedProblem => Volatile.Read(ref _remembered)?.Problem;

    /// <summary>The highest version ever accepted (0 for none).</summary>
    public long HighestVersion => Volatile.Read(ref _state)?.HighestVersion ?? 0;

    /// <summary>
    /// Takes the first options' bundle settings: reads the state (refusing to start when it cannot be read) and applies the
    /// last good bundle if it still verifies and has not expired, before any network access.
    /// </summary>
    /// <exception cref="PinningConfigurationException">The state directory or file cannot be read.</exception>
    public void Start(PinBundleOptions options, IReadOnlyList<PinBundleKey> keys)
    {
        lock (_gate)
        {
            if (_settings is not null || options.Url is null)
            {
                return;
            }

            var state = ReadState(options.StateDirectory!);
            var settings = new Settings(options, keys);
            _state = state;
            Volatile.Write(ref _settings, settings);
            if (state is not null)
            {
                Adopt(state, settings, "the last good bundle, from the state file", keepExpired: true);
            }
        }
    }

    /// <summary>The policy for new connections: the bundle's while it is fresh; after it expires, the fallback or a refusal.</summary>
    public PinningPolicy Effective(PinningPolicy fallback)
    {
        if (Volatile.Read(ref _remembered) is { NotBefore: { } notBefore } && _time.GetUtcNow() >= notBefore)
        {
            // The clock has reached the remembered bundle's issuedAt: it is tried again, once, off this handshake's verdict.
            if (RetryRemembered(notify: false))
            {
                ThreadPool.QueueUserWorkItem(_ => Changed?.Invoke());
            }
        }

        var applied = Volatile.Read(ref _applied);
        if (applied is null)
        {
            return fallback;
        }

        if (!applied.Bundle.IsExpired(_time.GetUtcNow()))
        {
            return applied.Bundle.Policy;
        }

        if (Interlocked.CompareExchange(ref _expiryLogged, 1, 0) == 0)
        {
            PinningLog.BundleExpired(_log, applied.Bundle.Version, Instant(applied.Bundle.Expires), OnExpiry == PinBundleExpiry.FailClosed
                ? "every host it pinned is refused until a new bundle arrives (Bundles.OnExpiry = FailClosed)"
                : "the configuration's policy is in force until a new bundle arrives");
            ThreadPool.QueueUserWorkItem(_ => Changed?.Invoke());
        }

        return OnExpiry == PinBundleExpiry.FailClosed ? applied.Refusing : fallback;
    }

    /// <summary>True when the bundle in force has expired.</summary>
    public bool IsExpired => Volatile.Read(ref _applied) is { } applied && applied.Bundle.IsExpired(_time.GetUtcNow());

    /// <summary>
    /// Tries the remembered bundle that did not verify when it was read once more (the refresh does, before it fetches);
    /// true when it applied.
    /// </summary>
    public bool RetryRemembered(bool notify = true)
    {
        bool applied;
        lock (_gate)
        {
            if (_remembered is not { } remembered || _settings is not { } settings)
            {
                return false;
            }

            applied = Adopt(remembered.State, settings, "the remembered bundle, which did not verify when it was read", keepExpired: false);
        }

        if (applied && notify)
        {
            Changed?.Invoke();
        }

        return applied;
    }

    /// <summary>Verifies, checks against the memory, records and applies a fetched bundle.</summary>
    public PinBundleRefreshResult Offer(string text)
    {
        PinBundleRefreshResult result;
        bool changed = false;
        lock (_gate)
        {
            var settings = _settings ?? throw new InvalidOperationException("Pin bundles are not configured.");
            result = Decide(text, settings, ref changed);
            LastProblem = result.Outcome is PinBundleRefreshOutcome.Refused or PinBundleRefreshOutcome.Failed ? result : null;
        }

        _metrics?.Record(result);
        if (changed)
        {
            Changed?.Invoke();
        }

        return result;
    }

    /// <summary>Records a fetched body refused before it was read as a bundle.</summary>
    public PinBundleRefreshResult Refuse(PinBundleRefusal reason, string message)
    {
        lock (_gate)
        {
            var result = Refused(reason, null, message);
            LastProblem = result;
            _metrics?.Record(result);
            return result;
        }
    }

    /// <summary>Records a fetch that failed before any bundle was read.</summary>
    public PinBundleRefreshResult Failed(string message)
    {
        var result = new PinBundleRefreshResult(PinBundleRefreshOutcome.Failed, Current?.Version, null, message);
        lock (_gate)
        {
            LastProblem = result;
        }

        PinningLog.BundleFetchFailed(_log, message);
        _metrics?.Record(result);
        return result;
    }

    /// <summary>Records a fetch that found nothing new.</summary>
    public PinBundleRefreshResult Unchanged(string message)
    {
        lock (_gate)
        {
            LastProblem = null;
        }

        var result = NothingNew(message);
        _metrics?.Record(result);
        return result;
    }

    private PinBundleRefreshResult NothingNew(string message) => new(PinBundleRefreshOutcome.Unchanged, Current?.Version, null, message);

    /// <summary>The state file, read under the directory's lock (it may be shared by several instances of the app).</summary>
    /// <exception cref="PinningConfigurationException">The state cannot be read.</exception>
    private static PinBundleState? ReadState(string directory)
    {
        try
        {
            return PinBundleStateFile.Locked(directory, LockPatience, () => PinBundleStateFile.Read(directory));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PinningConfigurationException(
                $"The pin bundle state directory '{directory}' cannot be used: {ex.Message}. It holds the highest bundle version accepted, which keeps an older bundle from being replayed; Pinset will not start without it.");
        }
    }

    private static readonly TimeSpan LockPatience = TimeSpan.FromSeconds(5);

    private PinBundleRefreshResult Decide(string text, Settings settings, ref bool changed)
    {
        PinBundle bundle;
        try
        {
            bundle = PinBundle.Verify(text, settings.Keys, _time.GetUtcNow(), settings.Options.ClockSkew);
        }
        catch (PinBundleException ex)
        {
            return Refused(ex.Reason, TryVersion(text), ex.Message);
        }

        var directory = settings.Options.StateDirectory!;
        try
        {
            bool applied = false;
            var result = PinBundleStateFile.Locked(directory, LockPatience, () => DecideLocked(bundle, settings, ref applied));
            changed = applied;
            return result;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PinningConfigurationException)
        {
            var message = $"Version {bundle.Version} verified but is not applied: the state in '{directory}' could not be read or locked ({ex.Message}), and a bundle is applied only once its version is remembered.";
            PinningLog.BundleFetchFailed(_log, message);
            return new PinBundleRefreshResult(PinBundleRefreshOutcome.Failed, Current?.Version, null, message);
        }
    }

    /// <summary>
    /// Under the state directory's lock: takes up what another instance sharing the directory has accepted since, then
    /// compares the bundle with the memory and records and applies it.
    /// </summary>
    private PinBundleRefreshResult DecideLocked(PinBundle bundle, Settings settings, ref bool changed)
    {
        var directory = settings.Options.StateDirectory!;
        if (PinBundleStateFile.Read(directory) is { } onDisk && onDisk.HighestVersion > (_state?.HighestVersion ?? 0))
        {
            _state = onDisk;
            TakeUp(onDisk, settings, ref changed);
        }

        var state = _state;
        if (state is not null && bundle.Version < state.HighestVersion)
        {
            return Refused(PinBundleRefusal.Rollback, bundle.Version, $"The bundle's version {bundle.Version} is below version {state.HighestVersion}, which was already accepted: an older bundle is never accepted again (a rollback).");
        }

        if (state is not null && bundle.Version == state.HighestVersion)
        {
            if (bundle.Content.ContentHash != state.ContentHash)
            {
                return Refused(PinBundleRefusal.ConflictingVersion, bundle.Version, $"The bundle's version {bundle.Version} was already accepted with other content; a version is never accepted twice with different pins.");
            }

            if (Current is { } inForce && inForce.Version == bundle.Version && inForce.Content.ContentHash == bundle.Content.ContentHash)
            {
                return NothingNew($"Version {bundle.Version} is already in force.");
            }

            // Remembered, but not in force: it did not verify when it was read (a clock behind). It verifies now, and its
            // version is recorded already.
            Apply(bundle, "fetched again; the remembered copy did not verify when it was read");
            changed = true;
            return AppliedResult(bundle);
        }

        var next = new PinBundleState(bundle.Version, bundle.Content.ContentHash, bundle.Text);
        try
        {
            PinBundleStateFile.Write(directory, next);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Applying a version the state does not remember would let a restart accept an older one again.
            var message = $"Version {bundle.Version} verified but is not applied: the state file '{PinBundleStateFile.PathIn(directory)}' could not be written ({ex.Message}), and a bundle is applied only once its version is remembered.";
            PinningLog.BundleFetchFailed(_log, message);
            return new PinBundleRefreshResult(PinBundleRefreshOutcome.Failed, Current?.Version, null, message);
        }

        _state = next;
        Apply(bundle, "fetched");
        changed = true;
        return AppliedResult(bundle);
    }

    private static PinBundleRefreshResult AppliedResult(PinBundle bundle) =>
        new(PinBundleRefreshOutcome.Applied, bundle.Version, null, $"Version {bundle.Version}, signed by {bundle.Content.KeyId}, is in force until {Instant(bundle.Expires)}.");

    /// <summary>Puts a verified bundle in force for new connections; whatever was remembered and not applied is settled by it.</summary>
    private void Apply(PinBundle bundle, string source)
    {
        Volatile.Write(ref _applied, Applied.Of(bundle));
        Volatile.Write(ref _expiryLogged, 0);
        Volatile.Write(ref _remembered, null);
        PinningLog.BundleApplied(_log, bundle.Version, bundle.Content.KeyId.ToString(), Instant(bundle.Expires), source);
    }

    /// <summary>Applies a newer bundle another instance recorded in the shared state, when it still verifies and has not expired.</summary>
    private void TakeUp(PinBundleState state, Settings settings, ref bool changed)
    {
        // Its version is remembered all the same: nothing below it is accepted here either.
        changed |= Adopt(state, settings, "recorded in the state directory by another instance of the app", keepExpired: false);
    }

    /// <summary>
    /// Verifies a remembered bundle (the state file's at start, or another instance's) and applies it. One that does not
    /// verify here is kept, to be tried again at each refresh and once the clock reaches its <c>issuedAt</c> (a clock
    /// behind, after a snapshot restore or a spoofed NTP answer), and the health check says why it is not in force. With
    /// <paramref name="keepExpired"/>, an expired one is kept in force as expired, so the configured expiry behaviour applies.
    /// </summary>
    private bool Adopt(PinBundleState state, Settings settings, string source, bool keepExpired)
    {
        var now = _time.GetUtcNow();
        try
        {
            Apply(PinBundle.Verify(state.Bundle, settings.Keys, now, settings.Options.ClockSkew), source);
            return true;
        }
        catch (PinBundleException ex) when (keepExpired && ex.Reason == PinBundleRefusal.Expired)
        {
            var expired = PinBundle.Inspect(state.Bundle);
            PinningLog.BundleRefused(_log, expired.Version, ex.Reason, $"The last good bundle from the state file has expired. {ex.Message}");
            Volatile.Write(ref _applied, Applied.Of(PinBundle.Verify(state.Bundle, settings.Keys, expired.IssuedAt, settings.Options.ClockSkew)));
            Volatile.Write(ref _remembered, null);
            return true;
        }
        catch (PinBundleException ex)
        {
            var before = Volatile.Read(ref _remembered);
            DateTimeOffset? notBefore = ex.Reason == PinBundleRefusal.NotYetValid ? PinBundle.Inspect(state.Bundle).IssuedAt - settings.Options.ClockSkew : null;
            var inForce = Current is { } current ? $"Version {current.Version} stays in force" : "The configuration's policy is in force";
            var retried = notBefore is null ? "at each refresh" : "at each refresh and once the clock reaches its issuedAt";
            var problem = $"The remembered pin bundle (version {state.HighestVersion}) did not verify ({ex.Reason}): {ex.Message.TrimEnd('.')}. {inForce} until it does or a newer bundle arrives; it is tried again {retried}.";
            Volatile.Write(ref _remembered, new Remembered(state, notBefore, ex.Reason, problem));
            if (before is null || before.State != state || before.Reason != ex.Reason)
            {
                PinningLog.BundleRefused(_log, state.HighestVersion, ex.Reason, $"The remembered bundle ({source}) is not applied: {ex.Message}");
            }

            return false;
        }
    }

    private PinBundleRefreshResult Refused(PinBundleRefusal reason, long? version, string message)
    {
        PinningLog.BundleRefused(_log, version ?? 0, reason, message);
        return new PinBundleRefreshResult(PinBundleRefreshOutcome.Refused, Current?.Version, reason, message);
    }

    private static long? TryVersion(string text)
    {
        try
        {
            return PinBundle.Inspect(text).Version;
        }
        catch (PinBundleException)
        {
            return null;
        }
    }

    private static string Instant(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private sealed record Settings(PinBundleOptions Options, IReadOnlyList<PinBundleKey> Keys);

    /// <summary>A remembered bundle that did not verify when it was read; <paramref name="NotBefore"/> is when the clock makes it worth trying again, when time is the reason.</summary>
    private sealed record Remembered(PinBundleState State, DateTimeOffset? NotBefore, PinBundleRefusal Reason, string Problem);

    /// <summary>A bundle in force, with the policy that refuses its hosts once it expires under FailClosed (one object, so connections see no spurious change).</summary>
    private sealed record Applied(PinBundle Bundle, PinningPolicy Refusing)
    {
        public static Applied Of(PinBundle bundle) => new(bundle, bundle.Policy.RefuseEveryHost(
            $"The pin bundle in force (version {bundle.Version}) expired at {Instant(bundle.Expires)}, and this client fails closed (Bundles.OnExpiry = FailClosed): no connection to its hosts is allowed until a new bundle arrives."));
    }
}
