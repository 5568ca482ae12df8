using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace Pinset.Testing;

/// <summary>
/// A real HTTPS server (Kestrel) on 127.0.0.1 and a port the OS picks: HTTP/1.1 and HTTP/2 over TLS, a WebSocket echo
/// at <c>/echo</c>, a 200 with <see cref="LoopbackHttpsServerOptions.FallbackText"/> for any other request, and your
/// own endpoints (<see cref="LoopbackHttpsServerOptions.MapEndpoints"/>). It counts TCP connections, completed TLS
/// handshakes and HTTP requests, so a test can tell whether a client reached it and whether a refused client sent
/// anything. Reach it with <see cref="Url"/> through a route (<see cref="Loopback"/>,
/// <see cref="LoopbackRouteServiceCollectionExtensions.AddLoopbackRoute"/>), since its host name resolves nowhere.
/// </summary>
public sealed class LoopbackHttpsServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;
    private int _connections;
    private int _handshakes;

    private LoopbackHttpsServer(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        Certificate = certificate;
        Host = HostOf(certificate);
    }

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>The host name <see cref="Url"/> uses: the certificate's first DNS name that is not a wildcard, else its first IP address.</summary>
    public string Host { get; }

    /// <summary>The certificate the server presents.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>HTTP requests that reached the server (a WebSocket or gRPC call is one request).</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>TCP connections accepted: with keep-alive, fewer than requests; a new one means a new TLS handshake.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>TLS handshakes the server completed.</summary>
    public int Handshakes => Volatile.Read(ref _handshakes);

    /// <summary>The server's address with <see cref="Host"/>, or <paramref name="host"/>: <c>https://host:port/</c>, or <c>wss://</c>.</summary>
    public Uri Url(string scheme = "https", string? host = null) => new UriBuilder(scheme, host ?? Host, Port).Uri;

    /// <summary>The genuine server of <paramref name="pki"/>: its leaf and intermediate.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter (a PKI or a certificate), so no call is ambiguous.")]
    public static Task<LoopbackHttpsServer> StartAsync(TestPki pki, LoopbackHttpsServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pki);
        return StartAsync(pki.Leaf, pki.GenuineChain(), options);
    }

    /// <summary>A server presenting <paramref name="certificate"/> (with its private key) and the rest of <paramref name="chain"/>.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter (a PKI or a certificate), so no call is ambiguous.")]
    public static async Task<LoopbackHttpsServer> StartAsync(X509Certificate2 certificate, IEnumerable<X509Certificate2>? chain = null, LoopbackHttpsServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        options ??= new LoopbackHttpsServerOptions();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        options.ConfigureServices?.Invoke(builder.Services);
        LoopbackHttpsServer? server = null;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = options.Protocols;
            listen.Use(next => connection =>
            {
                Interlocked.Increment(ref server!._connections);
                return next(connection);
            });
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificateChain = [.. (chain ?? []).Where(c => c != certificate)],
                ServerCertificate = certificate,
            });
            listen.Use(next => connection =>
            {
                Interlocked.Increment(ref server!._handshakes);
                return next(connection);
            });
        }));
        var app = builder.Build();
        server = new LoopbackHttpsServer(app, certificate);
        app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref server._requests);
            await next(context).ConfigureAwait(false);
        });
        app.UseWebSockets();
        options.MapEndpoints?.Invoke(app);
        app.Map("/echo", EchoAsync);
        string fallback = options.FallbackText;
        app.MapFallback(() => Results.Text(fallback));
        await app.StartAsync().ConfigureAwait(false);
        server.Port = new Uri(app.Urls.First()).Port;
        return server;
    }

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task EchoAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, context.RequestAborted).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).ConfigureAwait(false);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The client went away without closing.
        }
    }

    private static string HostOf(X509Certificate2 certificate)
    {
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        return names?.EnumerateDnsNames().FirstOrDefault(n => !n.StartsWith('*'))
            ?? names?.EnumerateIPAddresses().FirstOrDefault()?.ToString()
            ?? "localhost";
    }
}
