namespace Pinset.Cli;

/// <summary>
/// The policy file of a tunnel route, read again for each new connection so that a change applies to the next
/// connection without a restart. A file that no longer loads (bad JSON, a policy Pinset refuses, one that does not
/// cover the route's TLS name, a file half-written or gone) leaves the last good policy in force, and the error is
/// logged once per change. At start, a file that does not load is fatal: the tunnel never runs without a policy.
/// </summary>
internal sealed class TunnelPolicy
{
    private readonly TunnelRoute _route;
    private readonly CliConsole _console;
    private readonly TunnelLog _log;
    private readonly SemaphoreSlim _reading = new(1, 1);
    private string _text;
    private string? _failedText;
    private PinningPolicy _current;

    private TunnelPolicy(TunnelRoute route, CliConsole console, TunnelLog log, string text, PinningPolicy policy)
    {
        _route = route;
        _console = console;
        _log = log;
        _text = text;
        _current = policy;
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
        return new TunnelPolicy(route, console, log, text, Parse(text, route));
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
                var policy = Parse(text, _route);
                _text = text;
                _failedText = null;
                Volatile.Write(ref _current, policy);
                _log.Info("policy-reloaded", null, $"Policy '{_route.PolicyPath}' changed and was reloaded{_route.Label}; new connections are judged by it, open sessions keep the policy they were opened under.");
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

    /// <summary>The policy <paramref name="text"/> says, refused unless it pins the route's TLS name: the tunnel never forwards unpinned.</summary>
    private static PinningPolicy Parse(string text, TunnelRoute route)
    {
        var policy = PolicyFile.Parse(text, route.PolicyPath);
        if (policy.Find(route.TlsName) is null)
        {
            throw new CliException(ExitCodes.BadInput, $"No policy in '{InputFile.Display(route.PolicyPath)}' matches '{route.TlsName}', the TLS name of {route.Target}, so the tunnel would forward unpinned; add the host to a policy's 'hosts'.");
        }

        return policy;
    }
}
