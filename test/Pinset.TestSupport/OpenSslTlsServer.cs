using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Pinset.TestSupport;

/// <summary>
/// The real <c>openssl s_server</c> on 127.0.0.1, sending exactly the chain it is given, in order, whether or not it
/// chains: what an attacker who stuffs genuine certificates into its own chain does (OkHttp's CVE-2016-2402).
/// SslStream servers cannot do this, since they send only the path they built. s_server echoes the application data
/// it receives to its output, which is how <see cref="ReceivedRequest"/> knows whether a request reached it.
/// </summary>
public sealed class OpenSslTlsServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _dir = new();
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _request = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private OpenSslTlsServer(X509Certificate2 leaf, IEnumerable<X509Certificate2> extraChain)
    {
        var cert = _dir.File("leaf.pem");
        var key = _dir.File("leaf.key");
        var chain = _dir.File("chain.pem");
        File.WriteAllText(cert, leaf.ExportCertificatePem());
        File.WriteAllText(key, TestKeys.PrivateKeyPem(leaf));
        File.WriteAllText(chain, string.Join('\n', extraChain.Select(c => c.ExportCertificatePem())) + "\n");
        Port = Loopback.FreePort();
        _process = ExternalTool.OpenSsl.Start(["s_server", "-accept", $"127.0.0.1:{Port}", "-cert", cert, "-key", key, "-cert_chain", chain, "-ign_eof"], redirectInput: true);

        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; }

    /// <summary>True when application data (an HTTP request line) reached the server.</summary>
    public bool ReceivedRequest
    {
        get
        {
            lock (_output)
            {
                return _output.ToString().Contains("GET ", StringComparison.Ordinal);
            }
        }
    }

    /// <summary>Completes when a request line arrives; fails the test if none does within <paramref name="limit"/>.</summary>
    public Task WaitForRequestAsync(TimeSpan limit) => _request.Task.WaitAsync(limit);

    public static async Task<OpenSslTlsServer> StartAsync(X509Certificate2 leaf, IEnumerable<X509Certificate2> extraChain)
    {
        var server = new OpenSslTlsServer(leaf, extraChain);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await server._ready.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
        return server;
    }

    /// <summary>A TCP connection to this server, for SslStream clients.</summary>
    public async Task<NetworkStream> ConnectAsync()
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port).ConfigureAwait(false);
        return client.GetStream();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            _ready.TrySetException(new InvalidOperationException($"openssl s_server exited before it listened: {_output}"));
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line.Contains("GET ", StringComparison.Ordinal))
        {
            _request.TrySetResult();
        }

        if (line.StartsWith("ACCEPT", StringComparison.Ordinal))
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
