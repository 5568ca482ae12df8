using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Pinset.TestSupport;

/// <summary>
/// The real <c>openssl s_server</c> on 127.0.0.1, sending exactly the chain it is given, in order, whether or not it
/// chains: what an attacker who stuffs genuine certificates into its own chain does (OkHttp's CVE-2016-2402).
/// SslStream servers cannot do this, since they send only the path they built. s_server echoes the application data
/// it receives to its output, which is how <see cref="ReceivedRequest"/> knows whether a request reached it.
/// </summary>
public sealed class OpenSslTlsServer : IAsyncDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TaskCompletionSource _request = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ToolServerProcess? _process;

    private OpenSslTlsServer() => Port = Loopback.FreePort();

    public int Port { get; }

    /// <summary>True when application data (an HTTP request line) reached the server.</summary>
    public bool ReceivedRequest => _request.Task.IsCompleted;

    /// <summary>Completes when a request line arrives; fails the test if none does within <paramref name="limit"/>.</summary>
    public Task WaitForRequestAsync(TimeSpan limit) => _request.Task.WaitAsync(limit);

    /// <summary>What s_server printed so far: its connections and the application data it received.</summary>
    public string Output => _process?.Output ?? string.Empty;

    /// <summary>The server's working directory (configuration, keys, logs); removed when the server stops.</summary>
    public string Directory => _dir.Path;

    /// <summary>The process the tool runs under (its watchdog; the tool is its child).</summary>
    public int ProcessId => _process?.ProcessId ?? throw new InvalidOperationException("The server has not started.");

    public static Task<OpenSslTlsServer> StartAsync(X509Certificate2 leaf, IEnumerable<X509Certificate2> extraChain) => StartAsync(leaf, extraChain, []);

    /// <summary>
    /// As <see cref="StartAsync(X509Certificate2, IEnumerable{X509Certificate2})"/>, answering each line the client sends
    /// with the line reversed (<c>s_server -rev</c>): a line protocol peer that keeps the session open for as many lines
    /// as the client sends. It serves one connection at a time.
    /// </summary>
    public static Task<OpenSslTlsServer> StartLineReverserAsync(X509Certificate2 leaf, IEnumerable<X509Certificate2> extraChain) => StartAsync(leaf, extraChain, ["-rev"]);

    private static async Task<OpenSslTlsServer> StartAsync(X509Certificate2 leaf, IEnumerable<X509Certificate2> extraChain, string[] options)
    {
        var server = new OpenSslTlsServer();
        var dir = server._dir;
        var cert = dir.File("leaf.pem");
        var key = dir.File("leaf.key");
        var chain = dir.File("chain.pem");
        await File.WriteAllTextAsync(cert, leaf.ExportCertificatePem()).ConfigureAwait(false);
        await File.WriteAllTextAsync(key, TestKey.PrivateKeyPem(leaf)).ConfigureAwait(false);
        await File.WriteAllTextAsync(chain, string.Join('\n', extraChain.Select(c => c.ExportCertificatePem())) + "\n").ConfigureAwait(false);
        try
        {
            server._process = await ToolServerProcess.StartAsync(
                ExternalTool.OpenSsl,
                ["s_server", "-accept", $"127.0.0.1:{server.Port}", "-cert", cert, "-key", key, "-cert_chain", chain, "-ign_eof", .. options],
                isReady: line => line.StartsWith("ACCEPT", StringComparison.Ordinal),
                onLine: line =>
                {
                    if (line.Contains("GET ", StringComparison.Ordinal))
                    {
                        server._request.TrySetResult();
                    }
                },
                limit: TimeSpan.FromSeconds(20),
                cleanupDirectory: dir.Path).ConfigureAwait(false);
            return server;
        }
        catch
        {
            server._dir.Dispose();
            throw;
        }
    }

    /// <summary>A TCP connection to this server, for SslStream clients.</summary>
    public async Task<NetworkStream> ConnectAsync()
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port).ConfigureAwait(false);
        return client.GetStream();
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
