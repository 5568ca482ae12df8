using System.Globalization;
using System.Net.WebSockets;
using System.Text;

namespace Pinset.Testing;

/// <summary>
/// Assertions that prove a client is pinned, with any test framework: <c>InterceptionRefusedAsync</c> sends the client
/// through an <see cref="InterceptingProxy"/> whose CA it trusts and passes only if Pinset refused the connection before
/// any application data reached the proxy; <c>GenuineAcceptedAsync</c> passes only if the client completed its call
/// with the genuine <see cref="LoopbackHttpsServer"/>. Each works for an <see cref="HttpClient"/> (a factory client, a
/// typed client's, your own), a <see cref="ClientWebSocket"/> factory, and any call to an address (a gRPC channel
/// factory). The client must already be routed to the proxy or server (see
/// <see cref="LoopbackRouteServiceCollectionExtensions.AddLoopbackRoute"/>, <see cref="Loopback"/>, or
/// <see cref="InterceptingProxy.ProxyUri"/>). A failure throws <see cref="PinningAssertException"/>.
/// </summary>
public static class PinningAssert
{
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Sends <c>GET <paramref name="requestUri"/></c> (absolute, or relative to the client's base address) and passes if
    /// the client refused <paramref name="interceptor"/> by a pin, with no application data sent to it.
    /// </summary>
    /// <param name="client">The client under test, routed to <paramref name="interceptor"/> for the URI's host.</param>
    /// <param name="requestUri">What to request.</param>
    /// <param name="interceptor">The proxy the client reaches instead of the genuine server.</param>
    /// <param name="clientName">The client's name in messages (its IHttpClientFactory name, a typed client's type).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The refusal and the proxy's record of the attempt.</returns>
    /// <exception cref="PinningAssertException">The client accepted the interceptor, never reached it, refused it for another reason than a pin, or sent it application data first.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter (an HttpClient, a WebSocket factory, a call), so no call is ambiguous.")]
    public static Task<InterceptionRefusal> InterceptionRefusedAsync(HttpClient client, Uri requestUri, InterceptingProxy interceptor, string? clientName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(interceptor);
        var target = Absolute(client, requestUri);
        return RefusedAsync(Name("HttpClient", clientName), $"GET {target}", target, interceptor, token => GetAsync(client, target, token), cancellationToken);
    }

    /// <summary>
    /// Connects a WebSocket with <paramref name="connectWebSocket"/> (such as Pinset's <c>CertificatePinning.ConnectWebSocketAsync</c>)
    /// to <paramref name="webSocketUri"/> and passes if it refused <paramref name="interceptor"/> by a pin, with no application data sent to it.
    /// </summary>
    /// <param name="connectWebSocket">Connects a WebSocket to a URI; it must reach <paramref name="interceptor"/> for the URI's host.</param>
    /// <param name="webSocketUri">The <c>wss://</c> address to connect to.</param>
    /// <param name="interceptor">The proxy the client reaches instead of the genuine server.</param>
    /// <param name="clientName">The client's name in messages.</param>
    /// <param name="cancellationToken">Cancels the connection.</param>
    /// <returns>The refusal and the proxy's record of the attempt.</returns>
    /// <exception cref="PinningAssertException">The client accepted the interceptor, never reached it, refused it for another reason than a pin, or sent it application data first.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter (an HttpClient, a WebSocket factory, a call), so no call is ambiguous.")]
    public static Task<InterceptionRefusal> InterceptionRefusedAsync(Func<Uri, CancellationToken, Task<WebSocket>> connectWebSocket, Uri webSocketUri, InterceptingProxy interceptor, string? clientName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectWebSocket);
        ArgumentNullException.ThrowIfNull(webSocketUri);
        ArgumentNullException.ThrowIfNull(interceptor);
        return RefusedAsync(Name("ClientWebSocket", clientName), $"WebSocket connection to {webSocketUri}", webSocketUri, interceptor, token => ConnectAsync(connectWebSocket, webSocketUri, token), cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="call"/> with <paramref name="address"/> (a gRPC call on a channel for the address, or any
    /// call of your app to that host) and passes if it failed with a pin refusal of <paramref name="interceptor"/>,
    /// with no application data sent to it. A gRPC refusal is found in <c>RpcException.Status.DebugException</c>.
    /// </summary>
    /// <param name="call">Makes one call to the address: <c>(address, token) =&gt; new Ticker.TickerClient(GrpcChannel.ForAddress(address, ...)).GetPriceAsync(..., cancellationToken: token).ResponseAsync</c>.</param>
    /// <param name="address">The address to call; its host is the host the assertion checks.</param>
    /// <param name="interceptor">The proxy the client reaches instead of the genuine server.</param>
    /// <param name="clientName">The client's name in messages.</param>
    /// <param name="cancellationToken">Passed to the call.</param>
    /// <returns>The refusal and the proxy's record of the attempt.</returns>
    /// <exception cref="PinningAssertException">The client accepted the interceptor, never reached it, refused it for another reason than a pin, or sent it application data first.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter (an HttpClient, a WebSocket factory, a call), so no call is ambiguous.")]
    public static Task<InterceptionRefusal> InterceptionRefusedAsync(Func<Uri, CancellationToken, Task> call, Uri address, InterceptingProxy interceptor, string? clientName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(interceptor);
        return RefusedAsync(Name("Client", clientName), $"call to {address}", address, interceptor, token => CallAsync(call, address, token), cancellationToken);
    }

    /// <summary>Sends <c>GET <paramref name="requestUri"/></c> and passes if the genuine server answered it: the pins accept the genuine chain.</summary>
    /// <param name="client">The client under test, routed to <paramref name="genuine"/> for the URI's host.</param>
    /// <param name="requestUri">What to request (absolute, or relative to the client's base address).</param>
    /// <param name="genuine">The genuine server.</param>
    /// <param name="clientName">The client's name in messages.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="PinningAssertException">The client refused the genuine server, failed, or was answered by another server.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter (an HttpClient, a WebSocket factory, a call), so no call is ambiguous.")]
    public static Task GenuineAcceptedAsync(HttpClient client, Uri requestUri, LoopbackHttpsServer genuine, string? clientName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(genuine);
        var target = Absolute(client, requestUri);
        return AcceptedAsync(Name("HttpClient", clientName), $"GET {target}", target, genuine, token => GetAsync(client, target, token), cancellationToken);
    }

    /// <summary>
    /// Connects a WebSocket to <paramref name="webSocketUri"/> and passes if the genuine server accepted it (at
    /// <c>/echo</c>, a message also comes back).
    /// </summary>
    /// <param name="connectWebSocket">Connects a WebSocket to a URI; it must reach <paramref name="genuine"/> for the URI's host.</param>
    /// <param name="webSocketUri">The <c>wss://</c> address to connect to.</param>
    /// <param name="genuine">The genuine server.</param>
    /// <param name="clientName">The client's name in messages.</param>
    /// <param name="cancellationToken">Cancels the connection.</param>
    /// <exception cref="PinningAssertException">The client refused the genuine server, failed, or was answered by another server.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter (an HttpClient, a WebSocket factory, a call), so no call is ambiguous.")]
    public static Task GenuineAcceptedAsync(Func<Uri, CancellationToken, Task<WebSocket>> connectWebSocket, Uri webSocketUri, LoopbackHttpsServer genuine, string? clientName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectWebSocket);
        ArgumentNullException.ThrowIfNull(webSocketUri);
        ArgumentNullException.ThrowIfNull(genuine);
        return AcceptedAsync(Name("ClientWebSocket", clientName), $"WebSocket connection to {webSocketUri}", webSocketUri, genuine, token => ConnectAsync(connectWebSocket, webSocketUri, token), cancellationToken);
    }

    /// <summary>Runs <paramref name="call"/> with <paramref name="address"/> and passes if it completed with the genuine server.</summary>
    /// <param name="call">Makes one call to the address (a gRPC call, or any call of your app to that host).</param>
    /// <param name="address">The address to call.</param>
    /// <param name="genuine">The genuine server; map the endpoint the call expects with <see cref="LoopbackHttpsServerOptions.MapEndpoints"/>.</param>
    /// <param name="clientName">The client's name in messages.</param>
    /// <param name="cancellationToken">Passed to the call.</param>
    /// <exception cref="PinningAssertException">The client refused the genuine server, failed, or was answered by another server.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter (an HttpClient, a WebSocket factory, a call), so no call is ambiguous.")]
    public static Task GenuineAcceptedAsync(Func<Uri, CancellationToken, Task> call, Uri address, LoopbackHttpsServer genuine, string? clientName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(genuine);
        return AcceptedAsync(Name("Client", clientName), $"call to {address}", address, genuine, token => CallAsync(call, address, token), cancellationToken);
    }

    private static async Task<InterceptionRefusal> RefusedAsync(string client, string action, Uri target, InterceptingProxy interceptor, Func<CancellationToken, Task<string>> attempt, CancellationToken cancellationToken)
    {
        string host = target.IdnHost;
        int before = interceptor.Connections.Count;
        var (outcome, error) = await RunAsync(attempt, cancellationToken).ConfigureAwait(false);
        var connections = interceptor.Connections.Skip(before).ToList();
        if (error is not null)
        {
            // A refusing client closes its connections; wait until the proxy has seen each end, so no byte is missed.
            await Task.WhenAll(connections.Select(c => c.Closed)).WaitAsync(CloseWait, CancellationToken.None).ConfigureAwait(false);
        }

        long bytes = connections.Sum(c => c.ApplicationBytes);
        var refusal = FindRefusal(error);
        if (connections.Count == 0)
        {
            throw new PinningAssertException(
                $"{client} never reached the interceptor for '{host}': its {action} {Result(outcome, error)}, and the interceptor on 127.0.0.1:{Port(interceptor.Port)} saw no connection, so this shows nothing about pinning. Route '{host}' to the interceptor: services.AddLoopbackRoute(\"{host}\", interceptor.Port) for a factory client, Loopback.Route(handler, interceptor.Port), or interceptor.ProxyUri as the client's proxy.",
                error);
        }

        if (bytes > 0 || error is null)
        {
            string what = refusal is null
                ? $"{client} accepted the interceptor for '{host}': its {action} {Result(outcome, error)}, and the interceptor received {Counted.Of(bytes, "byte")} of application data from it"
                : $"{client} refused the interceptor for '{host}' only after sending it {Counted.Of(bytes, "byte")} of application data: its {action} {Result(outcome, error)}";
            throw new PinningAssertException(
                $"{what} ({Via(connections)}). The interceptor presented a certificate of its own CA ('{interceptor.CertificateAuthority.Certificate.Subject}'), which the client trusts, so only a pin could have refused it: {Mid(client)} is not pinned to '{host}'. Check that its registration calls UseCertificatePinning() and that a pinning policy covers '{host}'.",
                error);
        }

        if (refusal is null)
        {
            throw new PinningAssertException(
                $"{client} refused the interceptor for '{host}', but Pinset did not: its {action} {Result(outcome, error)}, and no Pinset validator judged the connection ({Via(connections)}, no application data), so {Mid(client)} is not pinned to '{host}': it refused only because this machine does not trust the interceptor's CA ('{interceptor.CertificateAuthority.Certificate.Subject}'), and it would accept a corporate proxy or a compromised CA that the machine trusts. Check that its registration calls UseCertificatePinning() and that a pinning policy covers '{host}' (or that the call does not hide Pinset's PinValidationException).",
                error);
        }

        if (refusal.Result.Outcome == PinValidationOutcome.PlatformValidationFailed)
        {
            throw new PinningAssertException(
                $"{client} refused the interceptor for '{host}' before any pin was consulted: the platform did not validate its chain ({refusal.Result.PlatformErrors}), so this shows nothing about the pins. Make the client trust the interceptor's CA, as a machine behind a corporate proxy does: PinningOptions.CustomTrustRoots with interceptor.CertificateAuthority.Certificate besides your genuine root.{Environment.NewLine}{refusal.Message}",
                error);
        }

        return new InterceptionRefusal(client, host, refusal, connections);
    }

    private static async Task AcceptedAsync(string client, string action, Uri target, LoopbackHttpsServer genuine, Func<CancellationToken, Task<string>> attempt, CancellationToken cancellationToken)
    {
        string host = target.IdnHost;
        int before = genuine.Requests;
        var (outcome, error) = await RunAsync(attempt, cancellationToken).ConfigureAwait(false);
        bool reached = genuine.Requests > before;
        if (FindRefusal(error) is { } refusal)
        {
            throw new PinningAssertException(
                $"{client} refused the genuine server for '{host}': its {action} failed with Pinset's refusal ({refusal.Result.Outcome}). The policy's pins do not match the genuine chain, or the client does not trust its root; an app pinned like this cannot reach its server.{Environment.NewLine}{refusal.Message}",
                error);
        }

        if (!reached && error is not null && Find<System.Security.Authentication.AuthenticationException>(error) is not null)
        {
            throw new PinningAssertException(
                $"{client} refused the genuine server for '{host}' in the TLS handshake, and no Pinset validator judged it: its {action} {Result(outcome, error)}. A client pinned by Pinset trusts the roots its pinning is given (PinningOptions.CustomTrustRoots) and reports a refusal as a PinValidationException; this one used the platform's own validation, so {Mid(client)} is not pinned to '{host}'. Check that its registration calls UseCertificatePinning().",
                error);
        }

        if (error is not null)
        {
            throw new PinningAssertException(
                reached
                    ? $"{client} reached the genuine server for '{host}', but its {action} {Result(outcome, error)}. The TLS connection was accepted; the call failed afterwards: map the endpoint it expects with LoopbackHttpsServerOptions.MapEndpoints."
                    : $"{client} did not reach the genuine server for '{host}': its {action} {Result(outcome, error)}, and the server on 127.0.0.1:{Port(genuine.Port)} received no request. Route '{host}' to it: services.AddLoopbackRoute(\"{host}\", genuine.Port) for a factory client, or Loopback.Route(handler, genuine.Port).",
                error);
        }

        if (!reached)
        {
            throw new PinningAssertException(
                $"{client} completed its {action}, but the genuine server on 127.0.0.1:{Port(genuine.Port)} received no request: the answer ({outcome}) came from another server. Route '{host}' to the genuine server: services.AddLoopbackRoute(\"{host}\", genuine.Port).");
        }
    }

    private static async Task<(string? Outcome, Exception? Error)> RunAsync(Func<CancellationToken, Task<string>> attempt, CancellationToken cancellationToken)
    {
        try
        {
            return (await attempt(cancellationToken).ConfigureAwait(false), null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            return (null, ex);
        }
    }

    private static async Task<string> GetAsync(HttpClient client, Uri target, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(target, cancellationToken).ConfigureAwait(false);
        return $"was answered {(int)response.StatusCode} ({response.ReasonPhrase})";
    }

    private static async Task<string> ConnectAsync(Func<Uri, CancellationToken, Task<WebSocket>> connect, Uri uri, CancellationToken cancellationToken)
    {
        using var socket = await connect(uri, cancellationToken).ConfigureAwait(false);
        if (uri.AbsolutePath == "/echo")
        {
            var sent = "pinset"u8.ToArray();
            await socket.SendAsync(sent, WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
            var buffer = new byte[64];
            var received = await socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", cancellationToken).ConfigureAwait(false);
            return $"was opened, and echoed '{Encoding.UTF8.GetString(buffer, 0, received.Count)}'";
        }

        socket.Abort();
        return "was opened";
    }

    private static async Task<string> CallAsync(Func<Uri, CancellationToken, Task> call, Uri address, CancellationToken cancellationToken)
    {
        await call(address, cancellationToken).ConfigureAwait(false);
        return "completed";
    }

    private static Uri Absolute(HttpClient client, Uri requestUri)
    {
        ArgumentNullException.ThrowIfNull(requestUri);
        if (requestUri.IsAbsoluteUri)
        {
            return requestUri;
        }

        return client.BaseAddress is { } baseAddress
            ? new Uri(baseAddress, requestUri)
            : throw new ArgumentException($"Request URI '{requestUri}' is relative and the HttpClient has no BaseAddress; pass an absolute URI.", nameof(requestUri));
    }

    private static string Name(string kind, string? clientName) => clientName is null ? $"The {kind}" : $"{kind} '{clientName}'";

    /// <summary>The client's label inside a sentence: "the HttpClient", "client 'name'".</summary>
    private static string Mid(string client) => client.StartsWith("The ", StringComparison.Ordinal) || client.StartsWith("Client ", StringComparison.Ordinal)
        ? char.ToLowerInvariant(client[0]) + client[1..]
        : client;

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static string Result(string? outcome, Exception? error) => error is null ? outcome ?? "completed" : $"failed with {Describe(error)}";

    private static string Via(IReadOnlyList<InterceptedConnection> connections) =>
        $"{connections.Count} connection(s) to the interceptor, {string.Join(", ", connections.Select(c => c.Mode).Distinct())}";

    /// <summary>An exception and its causes on one line: type and message of each.</summary>
    private static string Describe(Exception error)
    {
        var text = new StringBuilder();
        for (var e = error; e is not null; e = e.InnerException)
        {
            text.Append(text.Length == 0 ? string.Empty : " <- ").Append(e.GetType().Name).Append(": '").Append(FirstLine(e.Message)).Append('\'');
        }

        return text.ToString();
    }

    private static string FirstLine(string message)
    {
        int end = message.IndexOfAny(['\r', '\n']);
        return (end < 0 ? message : message[..end]).TrimEnd('.');
    }

    private static PinValidationException? FindRefusal(Exception? error) => Find<PinValidationException>(error);

    /// <summary>An exception of type <typeparamref name="T"/> anywhere in the causes: inner exceptions, aggregated ones, or a gRPC status's debug exception.</summary>
    private static T? Find<T>(Exception? error)
        where T : Exception
    {
        var pending = new Stack<Exception>();
        if (error is not null)
        {
            pending.Push(error);
        }

        for (int seen = 0; pending.Count > 0 && seen < 64; seen++)
        {
            var e = pending.Pop();
            if (e is T found)
            {
                return found;
            }

            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (e.InnerException is { } inner)
            {
                pending.Push(inner);
            }

            if (GrpcDebugException(e) is { } debug)
            {
                pending.Push(debug);
            }
        }

        return null;
    }

    /// <summary>
    /// <c>Grpc.Core.RpcException.Status.DebugException</c>, read by name so the package does not depend on gRPC: a gRPC
    /// client reports a refused handshake as an RpcException whose status carries the HttpRequestException.
    /// </summary>
    private static Exception? GrpcDebugException(Exception e)
    {
        if (e.GetType().FullName != "Grpc.Core.RpcException")
        {
            return null;
        }

        var status = e.GetType().GetProperty("Status")?.GetValue(e);
        return status?.GetType().GetProperty("DebugException")?.GetValue(status) as Exception;
    }
}
