using Microsoft.Extensions.Logging;

namespace Pinset.Tunnel;

/// <summary>
/// Watches the expiry of a route's policy in force: a warning when it expires within <see cref="Warning"/> (at once if it
/// already does, else when that time comes), and an error at the moment it expires, from when every new session is
/// refused until the file is renewed. A policy replaced by a reload is no longer watched. Time is the tunnel's
/// <see cref="TimeProvider"/>, so a test moves it.
/// </summary>
internal sealed class TunnelPolicyExpiry(PinnedTunnelRoute route, TimeProvider time, ILogger log) : IDisposable
{
    /// <summary>How long before the policy expires the tunnel warns, at start and on each reload.</summary>
    internal static readonly TimeSpan Warning = TimeSpan.FromDays(30);

    /// <summary>The longest a timer waits at once (a timer's limit is about 49.7 days).</summary>
    private static readonly TimeSpan MaxTimerWait = TimeSpan.FromDays(40);

    private readonly Lock _watching = new();
    private ITimer? _timer;
    private PinningPolicy? _watched;

    /// <summary>Watches <paramref name="policy"/>, now in force, instead of the one before.</summary>
    public void Watch(PinningPolicy policy)
    {
        lock (_watching)
        {
            _timer?.Dispose();
            _timer = null;
            _watched = policy;
            if (policy.Find(route.EffectiveTlsName)?.Expires is { } expires)
            {
                Watch(policy, expires);
            }
        }
    }

    public void Dispose()
    {
        lock (_watching)
        {
            _timer?.Dispose();
            _timer = null;
            _watched = null;
        }
    }

    private void Watch(PinningPolicy policy, DateTimeOffset expires)
    {
        var left = expires - time.GetUtcNow();
        if (left <= TimeSpan.Zero)
        {
            TunnelLog.PolicyExpired(log, route.Label, TunnelPolicy.Expired(route, policy, expires)!);
            return;
        }

        bool warn = left <= Warning;
        if (warn)
        {
            TunnelLog.PolicyExpiring(log, route.EffectiveTlsName, route.PolicyPath, route.Label, TunnelPolicy.Instant(expires), DurationText.DescribeRoughly(left));
        }

        // The next moment to speak: the warning's, then the expiry's; a timer waits at most about 49 days, so a later
        // moment is reached in steps.
        var next = warn ? left : left - Warning;
        bool final = warn && next <= MaxTimerWait;
        _timer = time.CreateTimer(
            _ =>
            {
                lock (_watching)
                {
                    if (!ReferenceEquals(_watched, policy) || _timer is null)
                    {
                        return;
                    }

                    _timer.Dispose();
                    _timer = null;
                    if (final || time.GetUtcNow() >= expires)
                    {
                        TunnelLog.PolicyExpired(log, route.Label, TunnelPolicy.Expired(route, policy, expires)!);
                    }
                    else
                    {
                        Watch(policy, expires);
                    }
                }
            },
            null,
            next < MaxTimerWait ? next : MaxTimerWait,
            Timeout.InfiniteTimeSpan);
    }
}
