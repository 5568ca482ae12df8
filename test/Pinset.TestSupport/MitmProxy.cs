using System.Diagnostics;
using System.Text;

namespace Pinset.TestSupport;

/// <summary>
/// The real mitmproxy (<c>mitmdump</c>, Debian's mitmproxy package) as a reverse proxy on 127.0.0.1 in front of a
/// genuine server: it terminates the client's TLS with certificates it mints on the fly from its CA
/// and forwards requests upstream. That is exactly a trusted-CA interception (a corporate proxy, malware's root).
/// </summary>
public sealed class MitmProxy : IAsyncDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private MitmProxy(TestCertificateAuthority ca, int upstreamPort, TestCertificateAuthority upstreamRoot)
    {
        // mitmproxy reads its CA, key and certificate together, from mitmproxy-ca.pem in its configuration directory.
        File.WriteAllText(_dir.File("mitmproxy-ca.pem"), TestKeys.PrivateKeyPem(ca.Certificate) + "\n" + ca.Certificate.ExportCertificatePem() + "\n");
        File.WriteAllText(_dir.File("upstream-root.pem"), upstreamRoot.Certificate.ExportCertificatePem() + "\n");
        Port = Loopback.FreePort();
        _process = ExternalTool.Mitmdump.Start(
        [
            "--mode", $"reverse:https://localhost:{upstreamPort}",
            "--listen-host", "127.0.0.1",
            "--listen-port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--set", $"confdir={_dir.Path}",
            "--set", $"ssl_verify_upstream_trusted_ca={_dir.File("upstream-root.pem")}",
        ]);
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; }

    /// <summary>Starts mitmdump in front of 127.0.0.1:<paramref name="upstreamPort"/> (reached as localhost, verified against <paramref name="upstreamRoot"/>).</summary>
    public static async Task<MitmProxy> StartAsync(TestCertificateAuthority ca, int upstreamPort, TestCertificateAuthority upstreamRoot)
    {
        var proxy = new MitmProxy(ca, upstreamPort, upstreamRoot);
        try
        {
            await proxy._ready.Task.WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            return proxy;
        }
        catch
        {
            await proxy.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>What mitmdump printed: connections, the requests it forwarded, errors.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            _ready.TrySetException(new InvalidOperationException($"mitmdump exited before it listened: {Output}"));
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line.Contains("listening at", StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
        _process.Dispose();
        _dir.Dispose();
    }
}
