namespace Pinset.TestSupport;

/// <summary>
/// The real mitmproxy (<c>mitmdump</c>, Debian's mitmproxy package) on 127.0.0.1: as a reverse proxy in front of a
/// genuine server, or as a forward (CONNECT) proxy, it terminates the client's TLS with certificates it mints on the
/// fly from its CA and forwards requests upstream. That is exactly a trusted-CA interception (a corporate proxy,
/// malware's root). As a forward proxy it can also pass every tunnel through untouched, as a plain corporate proxy does.
/// </summary>
public sealed class MitmProxy : IAsyncDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _awaited = [];
    private ToolServerProcess? _process;

    private MitmProxy() => Port = Loopback.FreePort();

    public int Port { get; }

    /// <summary>What mitmdump printed: connections, the requests it forwarded, errors.</summary>
    public string Output => _process?.Output ?? string.Empty;

    /// <summary>The server's working directory (configuration, keys, logs); removed when the server stops.</summary>
    public string Directory => _dir.Path;

    /// <summary>The process the tool runs under (its watchdog; the tool is its child).</summary>
    public int ProcessId => _process?.ProcessId ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>Starts mitmdump with <paramref name="ca"/> in front of 127.0.0.1:<paramref name="upstreamPort"/> (reached as localhost, verified against <paramref name="upstreamRoot"/>).</summary>
    public static Task<MitmProxy> StartAsync(TestCertificateAuthority ca, int upstreamPort, TestCertificateAuthority upstreamRoot) =>
        StartAsync(ca, upstreamRoot, ["--mode", $"reverse:https://localhost:{upstreamPort}"]);

    /// <summary>
    /// Starts mitmdump as a forward proxy that answers CONNECT: with <paramref name="intercept"/>, it intercepts every
    /// tunnel's TLS with <paramref name="ca"/>; without, it passes the bytes through untouched. With
    /// <paramref name="credentials"/> (<c>user:password</c>) it requires them (407 without).
    /// </summary>
    public static Task<MitmProxy> StartForwardAsync(TestCertificateAuthority ca, TestCertificateAuthority upstreamRoot, bool intercept, string? credentials = null) =>
        StartAsync(ca, upstreamRoot, [.. intercept ? Array.Empty<string>() : ["--ignore-hosts", ".*"], .. credentials is null ? Array.Empty<string>() : ["--proxyauth", credentials]]);

    private static async Task<MitmProxy> StartAsync(TestCertificateAuthority ca, TestCertificateAuthority upstreamRoot, string[] mode)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(upstreamRoot);
        var proxy = new MitmProxy();
        var dir = proxy._dir;

        // mitmproxy reads its CA, key and certificate together, from mitmproxy-ca.pem in its configuration directory.
        await File.WriteAllTextAsync(dir.File("mitmproxy-ca.pem"), TestKey.PrivateKeyPem(ca.Certificate) + "\n" + ca.Certificate.ExportCertificatePem() + "\n").ConfigureAwait(false);
        await File.WriteAllTextAsync(dir.File("upstream-root.pem"), upstreamRoot.Certificate.ExportCertificatePem() + "\n").ConfigureAwait(false);
        try
        {
            proxy._process = await ToolServerProcess.StartAsync(
                ExternalTool.Mitmdump,
                [
                    .. mode,
                    "--listen-host", "127.0.0.1",
                    "--listen-port", proxy.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "--set", $"confdir={dir.Path}",
                    "--set", $"ssl_verify_upstream_trusted_ca={dir.File("upstream-root.pem")}",
                ],
                isReady: line => line.Contains("listening at", StringComparison.Ordinal),
                onLine: proxy.OnLine,
                cleanupDirectory: dir.Path).ConfigureAwait(false);
            return proxy;
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    /// <summary>Completes when mitmdump has printed a line containing <paramref name="text"/> (such as <c>CONNECT host:port</c>).</summary>
    public Task SeenAsync(string text)
    {
        lock (_awaited)
        {
            if (Output.Contains(text, StringComparison.Ordinal))
            {
                return Task.CompletedTask;
            }

            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _awaited.Add((text, seen));
            return seen.Task;
        }
    }

    private void OnLine(string line)
    {
        lock (_awaited)
        {
            foreach (var (text, seen) in _awaited.Where(a => line.Contains(a.Text, StringComparison.Ordinal)).ToList())
            {
                seen.TrySetResult();
                _awaited.Remove((text, seen));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync().ConfigureAwait(false);
        }

        _dir.Dispose();
    }
}
