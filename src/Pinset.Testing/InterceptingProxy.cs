using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Pinset.Testing;

/// <summary>
/// A man in the middle on 127.0.0.1: it terminates the client's TLS with a certificate its own CA signs for the host the
/// client asks for, opens TLS to the genuine server, and forwards both ways, as a corporate proxy or an attacker with
/// a trusted CA does. It reaches the genuine server only when the client sends its first bytes. One port serves both ways in: as an HTTP proxy (the client sends <c>CONNECT host:port</c>; use
/// <see cref="ProxyUri"/>) and as a direct endpoint the client is pointed at (a route to <see cref="Port"/>). Every
/// connection is recorded (<see cref="Connections"/>) with the bytes of application data the client sent, which is
/// how a test proves that a pinned client refused before its request left: zero bytes. Make the client trust
/// <see cref="CertificateAuthority"/> (Pinset's <c>CustomTrustRoots</c>), or an unpinned client refuses it too and the
/// test proves nothing about pinning.
/// </summary>
public sealed class InterceptingProxy : IAsyncDisposable
{
    private const int MaxConnectHeader = 8192;
    private static readonly string[] LoopbackNames = ["localhost", "127.0.0.1", "::1"];
    private readonly int _upstreamPort;
    private readonly bool _ownsAuthority;
    private readonly TestKeyKind _keyKind;
    private readonly ConcurrentDictionary<string, Lazy<SslStreamCertificateContext>> _certificates = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<InterceptedConnection> _connections = [];
    private readonly LoopbackListener _listener;

    private InterceptingProxy(int upstreamPort, InterceptingProxyOptions options)
    {
        _upstreamPort = upstreamPort;
        _keyKind = options.KeyKind;
        _ownsAuthority = options.CertificateAuthority is null;
        CertificateAuthority = options.CertificateAuthority ?? TestCertificateAuthority.CreateRoot("Pinset.Testing Interceptor CA", options.KeyKind);
        _listener = new LoopbackListener(ServeAsync);
    }

    /// <summary>The port on 127.0.0.1, for both direct TLS and CONNECT.</summary>
    public int Port => _listener.Port;

    /// <summary>The proxy as an HTTP proxy address: <c>new SocketsHttpHandler { Proxy = new WebProxy(proxy.ProxyUri) }</c>.</summary>
    public Uri ProxyUri => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>The CA whose certificates the proxy presents. A client that should trust the proxy trusts its <see cref="TestCertificateAuthority.Certificate"/>.</summary>
    public TestCertificateAuthority CertificateAuthority { get; }

    /// <summary>Every connection accepted so far, oldest first.</summary>
    public IReadOnlyList<InterceptedConnection> Connections
    {
        get
        {
            lock (_connections)
            {
                return [.. _connections];
            }
        }
    }

    /// <summary>Bytes of application data all clients sent through the proxy.</summary>
    public long ApplicationBytesReceived => Connections.Sum(c => c.ApplicationBytes);

    /// <summary>True once any client sent application data (a request) through the proxy.</summary>
    public bool ReceivedApplicationData => ApplicationBytesReceived > 0;

    /// <summary>Starts a proxy that forwards to the genuine server on 127.0.0.1:<paramref name="upstreamPort"/>, whatever host the client asked for.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter (a port or a server), so no call is ambiguous.")]
    public static InterceptingProxy Start(int upstreamPort, InterceptingProxyOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(upstreamPort);
        return new InterceptingProxy(upstreamPort, options ?? new InterceptingProxyOptions());
    }

    /// <summary>Starts a proxy that forwards to <paramref name="genuine"/>.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter (a port or a server), so no call is ambiguous.")]
    public static InterceptingProxy Start(LoopbackHttpsServer genuine, InterceptingProxyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(genuine);
        return Start(genuine.Port, options);
    }

    /// <summary>The proxy's address for a client pointed at it directly: <c>https://host:port/</c> (or <c>wss://</c>) with the proxy's port.</summary>
    public Uri Url(string host, string scheme = "https") => new UriBuilder(scheme, host, Port).Uri;

    /// <summary>Stops accepting, ends every connection, and disposes the CA if the proxy made it.</summary>
    public async ValueTask DisposeAsync()
    {
        await _listener.DisposeAsync().ConfigureAwait(false);
        foreach (var certificate in _certificates.Values.Where(c => c.IsValueCreated))
        {
            certificate.Value.TargetCertificate.Dispose();
        }

        if (_ownsAuthority)
        {
            CertificateAuthority.Dispose();
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken token)
    {
        InterceptedConnection? connection = null;
        try
        {
            using (client)
            {
                var network = client.GetStream();
                var first = new byte[1];
                if (await network.ReadAsync(first, token).ConfigureAwait(false) == 0)
                {
                    return;
                }

                // A TLS record starts with 0x16 (handshake); anything else is read as an HTTP proxy request.
                var mode = first[0] == 0x16 ? InterceptionMode.Direct : InterceptionMode.Connect;
                connection = Record(mode);
                Stream stream = network;
                if (mode == InterceptionMode.Direct)
                {
                    stream = new PrefixedStream(network, first);
                }
                else if (!await AcceptConnectAsync(network, first[0], connection, token).ConfigureAwait(false))
                {
                    return;
                }

                await InterceptAsync(stream, connection, token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or AuthenticationException)
        {
            connection?.Failed(ex.Message);
        }
        finally
        {
            connection?.Close();
        }
    }

    private InterceptedConnection Record(InterceptionMode mode)
    {
        var connection = new InterceptedConnection(mode);
        lock (_connections)
        {
            _connections.Add(connection);
        }

        return connection;
    }

    /// <summary>Reads the CONNECT request (its first byte already read) and answers it; false if it was not one.</summary>
    private static async Task<bool> AcceptConnectAsync(NetworkStream network, byte first, InterceptedConnection connection, CancellationToken token)
    {
        var header = new List<byte> { first };
        var one = new byte[1];
        while (header.Count < 4 || header[^4] != '\r' || header[^3] != '\n' || header[^2] != '\r' || header[^1] != '\n')
        {
            if (header.Count >= MaxConnectHeader || await network.ReadAsync(one, token).ConfigureAwait(false) == 0)
            {
                connection.Failed("The client closed or sent an over-long header before its CONNECT request ended.");
                return false;
            }

            header.Add(one[0]);
        }

        var requestLine = Encoding.ASCII.GetString([.. header]).Split("\r\n")[0].Split(' ');
        if (requestLine.Length != 3 || requestLine[0] != "CONNECT")
        {
            connection.Failed($"The client sent '{string.Join(' ', requestLine)}', not a CONNECT request or a TLS handshake.");
            await network.WriteAsync("HTTP/1.1 405 Method Not Allowed\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), token).ConfigureAwait(false);
            return false;
        }

        var authority = requestLine[1];
        int colon = authority.LastIndexOf(':');
        connection.SetHost((colon > 0 && !authority.EndsWith(']') ? authority[..colon] : authority).Trim('[', ']'));
        await network.WriteAsync("HTTP/1.1 200 Connection Established\r\n\r\n"u8.ToArray(), token).ConfigureAwait(false);
        return true;
    }

    private async Task InterceptAsync(Stream stream, InterceptedConnection connection, CancellationToken token)
    {
        await using var client = new SslStream(stream, leaveInnerStreamOpen: false);
        string? serverName = null;
        await client.AuthenticateAsServerAsync(
            (_, hello, _, _) =>
            {
                serverName = string.IsNullOrEmpty(hello.ServerName) ? null : hello.ServerName;
                connection.SetHost(serverName);
                return ValueTask.FromResult(new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = CertificateFor(connection.Host),
                    ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
                });
            },
            null,
            token).ConfigureAwait(false);
        connection.HandshakeCompleted();

        // The genuine server is reached only once the client sends its first bytes: a client that refuses after the
        // handshake (an alert, a close) leaves no trace there.
        var buffer = new byte[16384];
        int first = await client.ReadAsync(buffer, token).ConfigureAwait(false);
        if (first == 0)
        {
            connection.Failed("The client closed the connection after the handshake without sending application data.");
            return;
        }

        connection.Received(first);
        using var upstreamTcp = new TcpClient { NoDelay = true };
        await upstreamTcp.ConnectAsync(IPAddress.Loopback, _upstreamPort, token).ConfigureAwait(false);
        await using var upstream = new SslStream(upstreamTcp.GetStream(), leaveInnerStreamOpen: false);
        var negotiated = client.NegotiatedApplicationProtocol;
        await upstream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = serverName ?? connection.Host ?? "localhost",
            ApplicationProtocols = negotiated == default ? null : [negotiated],
            RemoteCertificateValidationCallback = DangerousAcceptAnyUpstreamCertificate,
        }, token).ConfigureAwait(false);
        connection.ForwardingStarted();
        await upstream.WriteAsync(buffer.AsMemory(0, first), token).ConfigureAwait(false);
        await upstream.FlushAsync(token).ConfigureAwait(false);

        using var done = CancellationTokenSource.CreateLinkedTokenSource(token);
        var toServer = PumpAsync(client, upstream, connection, done.Token);
        var toClient = PumpAsync(upstream, client, null, done.Token);
        await Task.WhenAny(toServer, toClient).ConfigureAwait(false);
        await done.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(Quietly(toServer), Quietly(toClient)).ConfigureAwait(false);
    }

    /// <summary>
    /// The proxy's own leg to the genuine server accepts whatever certificate that server shows. Test fixture only: the
    /// leg goes to 127.0.0.1 and the port the proxy was started for, to a server of the test's generated PKI that no
    /// system store trusts, and it plays the attacker, who has no reason to judge it. Never a client's callback: the
    /// client's certificate decisions are what the tests examine, and Pinset makes them.
    /// </summary>
    private static bool DangerousAcceptAnyUpstreamCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) => true;

    private static async Task PumpAsync(Stream from, Stream to, InterceptedConnection? counted, CancellationToken token)
    {
        var buffer = new byte[16384];
        while (true)
        {
            int read = await from.ReadAsync(buffer, token).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            counted?.Received(read);
            await to.WriteAsync(buffer.AsMemory(0, read), token).ConfigureAwait(false);
            await to.FlushAsync(token).ConfigureAwait(false);
        }
    }

    private static async Task Quietly(Task pump)
    {
        try
        {
            await pump.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or AuthenticationException)
        {
            // One side closed; the other is torn down with it.
        }
    }

    private SslStreamCertificateContext CertificateFor(string? host)
    {
        string key = host ?? string.Empty;
        return _certificates.GetOrAdd(key, name => new Lazy<SslStreamCertificateContext>(() =>
        {
            var leaf = CertificateAuthority.IssueServer(name.Length == 0 ? LoopbackNames : [name], _keyKind);
            return SslStreamCertificateContext.Create(leaf, [], offline: true);
        })).Value;
    }
}
