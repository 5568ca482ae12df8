namespace Pinset.TestSupport;

/// <summary>
/// The real mitmproxy (<c>mitmdump</c>, Debian's mitmproxy package) as a reverse proxy on 127.0.0.1 in front of a
/// genuine server: it terminates the client's TLS with certificates it mints on the fly from its CA and forwards
/// requests upstream. That is exactly a trusted-CA interception (a corporate proxy, malware's root).
/// </summary>
public sealed class MitmProxy : IAsyncDisposable
{
    private readonly TempDirectory _dir = new();
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
    public static async Task<MitmProxy> StartAsync(TestCertificateAuthority ca, int upstreamPort, TestCertificateAuthority upstreamRoot)
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
                    "--mode", $"reverse:https://localhost:{upstreamPort}",
                    "--listen-host", "127.0.0.1",
                    "--listen-port", proxy.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "--set", $"confdir={dir.Path}",
                    "--set", $"ssl_verify_upstream_trusted_ca={dir.File("upstream-root.pem")}",
                ],
                isReady: line => line.Contains("listening at", StringComparison.Ordinal),
                cleanupDirectory: dir.Path).ConfigureAwait(false);
            return proxy;
        }
        catch
        {
            dir.Dispose();
            throw;
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
