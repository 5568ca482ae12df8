namespace Pinset.Cli;

/// <summary>
/// The policy file of a tunnel route, read again for each new connection so that a change applies to the next
/// connection without a restart. A file that no longer loads (bad JSON, a policy Pinset refuses, one that does not
/// cover the route's TLS name, a file half-written or gone) leaves the last good policy in force, and the error is
/// logged once per change. At start, a file that does not load is fatal: the tunnel never runs without a policy.
/// <para>
/// Expiry means something else here than in an app. An app's expired policy stops being enforced (its pins may have gone
/// stale, and a lock-out is worse than a connection the platform validated); the tunnel exists only to pin, so an
/// expired policy is a policy that does not load: refused at start and on reload, and once the policy in force expires,
/// every new session is refused (see <see cref="TunnelSession"/>) and the moment is logged as an error.
/// </para>
/// </summary>
internal sealed class TunnelPolicy : IDisposable
{
    /// <summary>How long before the policy expires the tunnel warns, at start and on each reload.</summary>
    internal static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(30);

    /// <summary>The longest a timer waits at once (a timer's limit is about 49.7 days).</summary>
    private static readonly TimeSpan MaxTimerWait = TimeSpan.FromDays(40);

    private readonly TunnelRoute _route;
    private readonly CliConsole _console;
    private readonly TunnelLog _log;
    private readonly SemaphoreSlim _reading = new(1, 1);
    private readonly Lock _watching = new();
    private string _text;
    private string? _failedText;
    private PinningPolicy _current;
    private ITimer? _expiry;

    private TunnelPolicy(TunnelRoute route, CliConsole console, TunnelLog log, string text, PinningPolicy policy)
    {
        _route = route;
        _console = console;
        _log = log;
        _text = text;
        _current = policy;
        WatchExpiry(policy);
    }

    /// <summary>The policy in force now, as last loaded.</summary>
    public PinningPolicy Current => Volatile.Read(ref _current);

    /// <summary>Loads the route's policy; a file that does not load, or does not pin the route's TLS name, is a <see cref="CliException"/> (exit 2).</summary>
    public static async Task<TunnelPolicy> LoadAsync(TunnelRoute route, CliConsole console, TunnelLog log, CancellationToken cancel)
    {
        if (route.PolicyPath == InputFile.StandardInput)
        {
            throw new CliException(ExitCodes.BadInput, "The tunnel's policy cannot be standard input ('-'): it is read again for each new connection, so that a changed file applies without a restart. Give a file.");
        }

        var text = await console.Files.ReadTextAsync(route.PolicyPath, "a JSON policy file", cancel).ConfigureAwait(false);
        return new TunnelPolicy(route, console, log, text, Parse(text, route, console.Time.GetUtcNow()));
    }

    /// <summary>
    /// The policy for a new connection: the file as it is now when it changed and loads, else the last good policy (the
    /// error logged once for each new content of the file).
    /// </summary>
    public async Task<PinningPolicy> RefreshAsync(CancellationToken cancel)
    {
        await _reading.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            string text;
            try
            {
                text = await _console.Files.ReadTextAsync(_route.PolicyPath, "a JSON policy file", cancel).ConfigureAwait(false);
            }
            catch (CliException ex)
            {
                Failed(string.Empty, ex.Message);
                return Current;
            }

            if (text == _text)
            {
                _failedText = null;
                return Current;
            }

            try
            {
                var policy = Parse(text, _route, _console.Time.GetUtcNow());
                _text = text;
                _failedText = null;
                Volatile.Write(ref _current, policy);
                _log.Info("policy-reloaded", null, $"Policy '{_route.PolicyPath}' changed and was reloaded{_route.Label}; new connections are judged by it, open sessions keep the policy they were opened under.");
                WatchExpiry(policy);
                return policy;
            }
            catch (Exception ex) when (ex is PinsetFormatException or CliException)
            {
                Failed(text, ex.Message);
                return Current;
            }
        }
        finally
        {
            _reading.Release();
        }
    }

    private void Failed(string text, string message)
    {
        if (_failedText != text)
        {
            _failedText = text;
            _log.Error("policy-reload-failed", null, $"Policy '{_route.PolicyPath}' changed but does not load{_route.Label}; the last good policy stays in force. {message}");
        }
    }

    /// <summary>
    /// When <paramref name="policy"/>'s rule for the route has expired at <paramref name="now"/>, the sentence that refuses
    /// a session for it; else null.
    /// </summary>
    public string? Expired(PinningPolicy policy, DateTimeOffset now) =>
        policy.Find(_route.TlsName) is { } rule && rule.IsExpired(now)
            ? $"the policy pinning '{_route.TlsName}' in '{InputFile.Display(_route.PolicyPath)}' ({rule}) expired on {Instant(rule.Expires!.Value)}, and the tunnel never forwards unpinned. Renew the policy in that file (a later 'expires', or none); it is read again at the next connection."
            : null;

    public void Dispose() => _expiry?.Dispose();

    /// <summary>
    /// Watches the expiry of the policy now in force: a warning when it expires within <see cref="ExpiryWarning"/> (at
    /// once if it already does, else when that time comes), and an error at the moment it expires, from when every new
    /// session is refused until the file is renewed. A policy replaced by a reload is no longer watched.
    /// </summary>
    private void WatchExpiry(PinningPolicy policy)
    {
        lock (_watching)
        {
            _expiry?.Dispose();
            _expiry = null;
            if (policy.Find(_route.TlsName)?.Expires is { } expires)
            {
                Watch(policy, expires);
            }
        }
    }

    private void Watch(PinningPolicy policy, DateTimeOffset expires)
    {
        var left = expires - _console.Time.GetUtcNow();
        if (left <= TimeSpan.Zero)
        {
            _log.Error("policy-expired", null, $"The policy in force{_route.Label} has expired: new sessions are refused, because {Expired(policy, expires)}");
            return;
        }

        bool warn = left <= ExpiryWarning;
        if (warn)
        {
            _log.Warn("policy-expiring", null, $"The policy pinning '{_route.TlsName}' in '{InputFile.Display(_route.PolicyPath)}'{_route.Label} expires on {Instant(expires)}, in {Duration.DescribeRoughly(left)}: from then the tunnel refuses every new session. Renew it before.");
        }

        // The next moment to speak: the warning's, then the expiry's; a timer waits at most about 49 days, so a later
        // moment is reached in steps.
        var next = warn ? left : left - ExpiryWarning;
        bool final = warn && next <= MaxTimerWait;
        _expiry = _console.Time.CreateTimer(
            _ =>
            {
                lock (_watching)
                {
                    if (!ReferenceEquals(Current, policy))
                    {
                        return;
                    }

                    _expiry?.Dispose();
                    _expiry = null;
                    if (final || _console.Time.GetUtcNow() >= expires)
                    {
                        _log.Error("policy-expired", null, $"The policy in force{_route.Label} has expired: new sessions are refused, because {Expired(policy, expires)}");
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

    private static string Instant(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The policy <paramref name="text"/> says, refused unless it pins the route's TLS name and has not expired at
    /// <paramref name="now"/>: the tunnel never forwards unpinned.
    /// </summary>
    private static PinningPolicy Parse(string text, TunnelRoute route, DateTimeOffset now)
    {
        var policy = PolicyFile.Parse(text, route.PolicyPath);
        var rule = policy.Find(route.TlsName) ?? throw new CliException(ExitCodes.BadInput, $"No policy in '{InputFile.Display(route.PolicyPath)}' matches '{route.TlsName}', the TLS name of {route.Target}, so the tunnel would forward unpinned; add the host to a policy's 'hosts'.");
        return rule.IsExpired(now)
            ? throw new CliException(ExitCodes.BadInput, $"The policy pinning '{route.TlsName}' in '{InputFile.Display(route.PolicyPath)}' ({rule}) expired on {Instant(rule.Expires!.Value)}. An expired policy pins nothing, and the tunnel never forwards unpinned; renew it (a later 'expires', or none).")
            : policy;
    }
}
