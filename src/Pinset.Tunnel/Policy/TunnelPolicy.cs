using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Pinset.Tunnel;

/// <summary>
/// The policy file of a tunnel route, read again for each new connection so that a change applies to the next
/// connection without a restart. A file that no longer loads (bad JSON, a policy Pinset refuses, one that does not
/// cover the route's TLS name, a file half-written or gone) leaves the last good policy in force, and the error is
/// logged once per change. At start, a file that does not load is fatal: the tunnel never runs without a policy.
/// <para>
/// Expiry means something else here than in an app. An app's expired policy stops being enforced (its pins may have gone
/// stale, and a lock-out is worse than a connection the platform validated); the tunnel exists only to pin, so an
/// expired policy is a policy that does not load: refused at start and on reload, and once the policy in force expires,
/// every new session is refused (see <see cref="TunnelSession"/>) and the moment is logged as an error
/// (<see cref="TunnelPolicyExpiry"/>).
/// </para>
/// </summary>
internal sealed class TunnelPolicy(PinnedTunnelRoute route, Func<string, CancellationToken, Task<string>> read, TimeProvider time, ILogger log, string text, PinningPolicy policy) : IDisposable
{
    private readonly SemaphoreSlim _reading = new(1, 1);
    private readonly TunnelPolicyExpiry _expiry = new(route, time, log);
    private string _text = text;
    private string? _failedText;
    private PinningPolicy _current = policy;

    /// <summary>The policy in force now, as last loaded.</summary>
    public PinningPolicy Current => Volatile.Read(ref _current);

    /// <summary>Reads a policy file as <see cref="PinningPolicy.Load"/> does, each failure a sentence naming the file.</summary>
    public static Task<string> ReadFileAsync(string path, CancellationToken cancel) => Task.Run(() => PinningConfigurationJson.ReadFile(path), cancel);

    /// <summary>Loads the route's policy; a file that does not load, does not pin the route's TLS name or has expired is a <see cref="PinnedTunnelException"/>.</summary>
    public static async Task<TunnelPolicy> LoadAsync(PinnedTunnelRoute route, Func<string, CancellationToken, Task<string>> read, TimeProvider time, ILogger log, CancellationToken cancel)
    {
        try
        {
            var text = await read(route.PolicyPath, cancel).ConfigureAwait(false);
            var loaded = new TunnelPolicy(route, read, time, log, text, Parse(text, route, time.GetUtcNow()));
            loaded._expiry.Watch(loaded.Current);
            return loaded;
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or PinnedTunnelException))
        {
            throw new PinnedTunnelException(ex.Message, ex);
        }
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
                text = await read(route.PolicyPath, cancel).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
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
                var policy = Parse(text, route, time.GetUtcNow());
                _text = text;
                _failedText = null;
                Volatile.Write(ref _current, policy);
                TunnelLog.PolicyReloaded(log, route.PolicyPath, route.Label);
                _expiry.Watch(policy);
                return policy;
            }
            catch (Exception ex) when (ex is PinsetFormatException or PinnedTunnelException)
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
            TunnelLog.PolicyReloadFailed(log, route.PolicyPath, route.Label, message);
        }
    }

    /// <summary>
    /// When <paramref name="policy"/>'s rule for the route has expired at <paramref name="now"/>, the sentence that refuses
    /// a session for it; else null.
    /// </summary>
    public string? Expired(PinningPolicy policy, DateTimeOffset now) => Expired(route, policy, now);

    /// <summary>As <see cref="Expired(PinningPolicy, DateTimeOffset)"/>, for <paramref name="route"/>.</summary>
    internal static string? Expired(PinnedTunnelRoute route, PinningPolicy policy, DateTimeOffset now) =>
        policy.Find(route.EffectiveTlsName) is { } rule && rule.IsExpired(now)
            ? $"the policy pinning '{route.EffectiveTlsName}' in '{route.PolicyPath}' ({rule}) expired on {Instant(rule.Expires!.Value)}, and the tunnel never forwards unpinned. Renew the policy in that file (a later 'expires', or none); it is read again at the next connection."
            : null;

    public void Dispose()
    {
        _expiry.Dispose();
        _reading.Dispose();
    }

    /// <summary>An instant as the log writes it: <c>2026-12-31T00:00:00Z</c>.</summary>
    internal static string Instant(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// The policy <paramref name="text"/> says, refused unless it pins the route's TLS name and has not expired at
    /// <paramref name="now"/>: the tunnel never forwards unpinned.
    /// </summary>
    private static PinningPolicy Parse(string text, PinnedTunnelRoute route, DateTimeOffset now)
    {
        var policy = PinningPolicy.Parse(text, route.PolicyPath);
        var rule = policy.Find(route.EffectiveTlsName) ?? throw new PinnedTunnelException($"No policy in '{route.PolicyPath}' matches '{route.EffectiveTlsName}', the TLS name of {route.Target}, so the tunnel would forward unpinned; add the host to a policy's 'hosts'.");
        return rule.IsExpired(now)
            ? throw new PinnedTunnelException($"The policy pinning '{route.EffectiveTlsName}' in '{route.PolicyPath}' ({rule}) expired on {Instant(rule.Expires!.Value)}. An expired policy pins nothing, and the tunnel never forwards unpinned; renew it (a later 'expires', or none).")
            : policy;
    }
}
