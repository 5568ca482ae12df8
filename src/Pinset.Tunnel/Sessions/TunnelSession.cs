using System.Buffers;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;

namespace Pinset.Tunnel;

/// <summary>
/// One accepted client connection of a tunnel. Nothing is read from the client until the upstream TLS handshake has
/// passed the platform's validation and the pin check: a refused server never receives a byte of the client's data,
/// and the client sees its connection closed. Then bytes are copied both ways, each direction reading only after its
/// last write completed (back-pressure: a slow reader slows its writer, buffers stay bounded), until both sides have
/// closed. A side that half-closes is half-closed on the other side too: the client's end of stream becomes the TLS
/// close_notify and a TCP shutdown of the upstream write side, the server's becomes a shutdown of the client's.
/// </summary>
internal sealed class TunnelSession
{
    /// <summary>Two TLS records' worth: each direction holds one such buffer while it copies.</summary>
    private const int BufferSize = 32 * 1024;

    private const int ToServer = 0;

    private const int ToClient = 1;

    private readonly long _id;
    private readonly Socket _client;
    private readonly TunnelRouteState _state;
    private readonly PinnedTunnelRoute _route;
    private readonly TunnelContext _context;
    private readonly long _started;
    private long _lastActivity;
    private int _writing;
    private long _toServer;
    private long _toClient;
    private bool _idled;

    public TunnelSession(long id, Socket client, TunnelRouteState state, TunnelContext context)
    {
        _id = id;
        _client = client;
        _state = state;
        _route = state.Route;
        _context = context;
        _started = context.Time.GetTimestamp();
        _lastActivity = _started;
    }

    private ILogger Log => _context.Log;

    /// <summary>What the session says it was cut by: the drain bound, named as the front names it.</summary>
    private string Cut => $"cut: the tunnel stopped before the session ended ({_context.Names.DrainTimeout})";

    /// <summary>Runs the session to its end; never throws. <paramref name="abort"/> cuts it (the tunnel stopping after its drain time).</summary>
    public async Task RunAsync(CancellationToken abort)
    {
        var policy = _state.Policy;
        Task report = Task.CompletedTask;
        string ending = "closed";
        try
        {
            TunnelLog.SessionOpened(Log, _id, ListenEndpoint.Display(_client.RemoteEndPoint), _route.Target, _route.Label);
            var pinning = await policy.RefreshAsync(abort).ConfigureAwait(false);
            if (policy.Expired(pinning, _context.Time.GetUtcNow()) is { } expired)
            {
                // Not even a connection upstream: nothing the tunnel could do with one would be pinned.
                TunnelLog.SessionRefusedExpired(Log, _id, expired);
                ending = "closed without forwarding";
                return;
            }

            await using var upstream = await ConnectAsync(policy, pinning, abort).ConfigureAwait(false);
            if (upstream.Tls is null)
            {
                report = upstream.Report;
                ending = "closed without forwarding";
                return;
            }

            report = upstream.Report;
            ending = await ForwardAsync(upstream.Tls, upstream.Gate!, upstream.Socket, abort).ConfigureAwait(false);
        }
        catch (Exception) when (abort.IsCancellationRequested)
        {
            ending = Cut;
        }
        catch (Exception ex)
        {
            // A session never takes the tunnel down: whatever went wrong ends this one connection, said in its closing line.
            ending = $"ended by an unexpected error ({ex.GetType().Name}: {ex.Message})";
        }
        finally
        {
            _client.Dispose();
            TunnelLog.SessionClosed(Log, _id, ending, _context.Time.GetElapsedTime(_started).TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture),
                Plural.Count(Interlocked.Read(ref _toServer), "byte"), _route.Target, Plural.Count(Interlocked.Read(ref _toClient), "byte"));
        }

        await report.ConfigureAwait(false);
    }

    /// <summary>The upstream connection: validated, pinned, and ready to carry data; or, refused, only its report.</summary>
    private async Task<Upstream> ConnectAsync(TunnelPolicy policy, PinningPolicy pinning, CancellationToken abort)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(abort);
        timeout.CancelAfter(_route.ConnectTimeout);
        Stream stream;
        try
        {
            stream = await (_route.Connector ?? DirectConnector.ConnectAsync)(_route, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!abort.IsCancellationRequested)
        {
            TunnelLog.ConnectFailed(Log, _id, ex is OperationCanceledException
                ? $"Could not connect to '{_route.Target}': no answer within {DurationText.Describe(_route.ConnectTimeout)} ({_context.Names.ConnectTimeout})."
                : ex.Message);
            return Upstream.Refused(Task.CompletedTask);
        }

        var socket = (stream as NetworkStream)?.Socket;
        TunnelContext.KeepAlive(socket);
        var gate = new CloseNotifyGate(stream);
        var tls = new SslStream(gate, leaveInnerStreamOpen: false);
        PinValidationResult? seen = null;
        var pinner = new CertificatePinner(pinning, _state.PinnerOptions with { OnValidated = result => seen = result });
        var options = new SslClientAuthenticationOptions { TargetHost = _route.EffectiveTlsName }.UseCertificatePinning(pinner);
        try
        {
            // A blocking handshake on a blocking socket keeps it blocking for the copy threads (see PinnedTunnelConnector);
            // the timeout and the drain's cut close the socket, which ends it.
            using (timeout.Token.Register(() => (socket ?? (IDisposable)stream).Dispose()))
            {
                await Task.Run(() => tls.AuthenticateAsClient(options), CancellationToken.None).ConfigureAwait(false);
            }

            timeout.Token.ThrowIfCancellationRequested();
        }
        catch (PinValidationException ex)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            TunnelLog.PinRefused(Log, _id, _route.Target, ex.Result.ToString());
            return Upstream.Refused(_context.ReportAsync(ex.Result, _route, _id, abort));
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException or ObjectDisposedException && !abort.IsCancellationRequested)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            if (timeout.IsCancellationRequested)
            {
                TunnelLog.HandshakeTimedOut(Log, _id, _route.Target, DurationText.Describe(_route.ConnectTimeout), _context.Names.ConnectTimeout);
            }
            else
            {
                TunnelLog.HandshakeFailed(Log, _id, _route.Target, ex.Message);
            }

            return Upstream.Refused(Task.CompletedTask);
        }

        // The callback allowed the chain, so 'seen' is set and allowed. A host no policy covers, or a policy that expired
        // during the handshake, is allowed by the pinner (an app's policy stops being enforced when it expires), never by
        // the tunnel: it was checked to cover the TLS name and not to have expired when it loaded and before connecting.
        if (seen is not { IsAllowed: true } || seen.Outcome is PinValidationOutcome.NoPolicy or PinValidationOutcome.PolicyExpired)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            var why = seen?.Outcome == PinValidationOutcome.PolicyExpired
                ? policy.Expired(pinning, DateTimeOffset.MaxValue)
                : $"no policy pins '{_route.EffectiveTlsName}', and the tunnel never forwards unpinned.";
            TunnelLog.Unpinned(Log, _id, why ?? string.Empty);
            return Upstream.Refused(Task.CompletedTask);
        }

        if (seen.IsFlagged)
        {
            TunnelLog.PinFlagged(Log, _id, _route.Target, seen.ToString());
        }
        else
        {
            TunnelLog.PinPassed(Log, _id, seen.Host, seen.MatchedPattern?.ToString() ?? string.Empty, tls.SslProtocol.ToString());
        }

        return new Upstream(tls, gate, socket, seen.IsFlagged ? _context.ReportAsync(seen, _route, _id, abort) : Task.CompletedTask);
    }

    /// <summary>Copies both ways until both sides have closed, one side fails, the session idles out or the tunnel cuts it; says how it ended.</summary>
    private async Task<string> ForwardAsync(SslStream tls, CloseNotifyGate gate, Socket? upstreamSocket, CancellationToken abort)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(abort);

        // Cutting a session (a failed side, the idle limit, the drain time) closes both sockets: a blocked read returns.
        using var cut = session.Token.Register(() =>
        {
            _client.Dispose();
            if (upstreamSocket is null)
            {
                tls.Dispose();
            }
            else
            {
                upstreamSocket.Dispose();
            }
        });
        using var client = new NetworkStream(_client, ownsSocket: false);
        var toServer = CopyOnThread((buffer, count) => client.Read(buffer, 0, count), tls, ToServer, () =>
        {
            // The client will send no more: close_notify, then the TCP write side; the server may go on answering.
            SendCloseNotify(tls, gate);
            upstreamSocket?.Shutdown(SocketShutdown.Send);
        });
        var toClient = CopyOnThread((buffer, count) => gate.ReadDecrypted(tls, buffer, count), client, ToClient, () => _client.Shutdown(SocketShutdown.Send));
        var idle = _context.IdleTimeout is { } limit ? WatchIdleAsync(limit, session) : Task.CompletedTask;

        var first = await Task.WhenAny(toServer, toClient).ConfigureAwait(false);
        if (!first.IsCompletedSuccessfully)
        {
            await session.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await Task.WhenAll(toServer, toClient).ConfigureAwait(false);
        }
        catch (Exception) when (toServer.IsFaulted || toClient.IsFaulted)
        {
            // Said below.
        }
        finally
        {
            await session.CancelAsync().ConfigureAwait(false);
            await idle.ConfigureAwait(false);
            await tls.DisposeAsync().ConfigureAwait(false);
        }

        if (abort.IsCancellationRequested)
        {
            return Cut;
        }

        if (_idled)
        {
            return $"closed: nothing moved either way for {DurationText.Describe(_context.IdleTimeout!.Value)} ({_context.Names.IdleTimeout})";
        }

        var failed = toServer.IsFaulted ? (toServer, "the client's side") : toClient.IsFaulted ? (toClient, $"the side of {_route.Target}") : default;
        return failed.Item1 is null ? "closed by both sides" : $"ended: {failed.Item2} failed ({Reason(failed.Item1.Exception!.GetBaseException())})";
    }

    /// <summary>
    /// Sends TLS close_notify while the other thread may be inside the same SslStream's Read, through the gate, so never
    /// while that thread decrypts (<see cref="CloseNotifyGate"/>). OpenSSL may still refuse a shutdown between two reads
    /// while a post-handshake message (a TLS 1.3 session ticket, just after the handshake) is half taken in: "shutdown
    /// while in init"; the refusal changes nothing, and the window lasts as long as one message takes, so the shutdown is
    /// tried again for up to a second. Should it still be refused, the TCP shutdown that follows tells the server all the
    /// same (as end of stream without close_notify) rather than failing a session that lost nothing.
    /// </summary>
    private void SendCloseNotify(SslStream tls, CloseNotifyGate gate)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                gate.Shutdown(() => tls.ShutdownAsync().GetAwaiter().GetResult());
                return;
            }
            catch (Exception ex) when (ex is not ObjectDisposedException && attempt < 100)
            {
                Thread.Sleep(10);
            }
            catch (Exception ex) when (ex is not ObjectDisposedException)
            {
                TunnelLog.CloseNotifyFailed(Log, _id, ex.GetBaseException().Message);
                return;
            }
        }
    }

    /// <summary>
    /// Copies one direction on a thread of its own, with blocking reads and writes: the thread wakes when the kernel has
    /// data and writes it on at once, with no hop through the thread pool, which is what keeps a tunnel's added latency
    /// near stunnel's. Each read waits for the previous write to complete (back-pressure), so a direction holds one buffer.
    /// </summary>
    private Task CopyOnThread(Func<byte[], int, int> read, Stream to, int direction, Action endOfStream)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(
            () =>
            {
                try
                {
                    Copy(read, to, direction, endOfStream);
                    done.TrySetResult();
                }
                catch (Exception ex)
                {
                    done.TrySetException(ex);
                }
            },
            maxStackSize: 256 * 1024)
        {
            IsBackground = true,
            Name = direction == ToServer ? "tunnel to server" : "tunnel to client",
        };
        thread.Start();
        return done.Task;
    }

    private void Copy(Func<byte[], int, int> from, Stream to, int direction, Action endOfStream)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                int read = from(buffer, BufferSize);
                if (read == 0)
                {
                    endOfStream();
                    return;
                }

                // A write waiting for a slow reader to take its bytes is traffic, not idleness, however long it waits.
                Volatile.Write(ref _lastActivity, _context.Time.GetTimestamp());
                Interlocked.Increment(ref _writing);
                try
                {
                    to.Write(buffer, 0, read);
                }
                finally
                {
                    Volatile.Write(ref _lastActivity, _context.Time.GetTimestamp());
                    Interlocked.Decrement(ref _writing);
                }

                Interlocked.Add(ref direction == ToServer ? ref _toServer : ref _toClient, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task WatchIdleAsync(TimeSpan limit, CancellationTokenSource session)
    {
        var time = _context.Time;
        while (!session.IsCancellationRequested)
        {
            var quiet = Volatile.Read(ref _writing) > 0 ? TimeSpan.Zero : time.GetElapsedTime(Volatile.Read(ref _lastActivity));
            if (quiet >= limit)
            {
                _idled = true;
                await session.CancelAsync().ConfigureAwait(false);
                return;
            }

            try
            {
                await Task.Delay(limit - quiet, time, session.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static string Reason(Exception ex) => ex switch
    {
        SocketException socket => socket.Message,
        IOException { InnerException: SocketException socket } => socket.Message,
        _ => ex.Message,
    };

    /// <summary>The upstream TLS connection (null when refused or unreachable), its socket, and the report being sent about it.</summary>
    private sealed record Upstream(SslStream? Tls, CloseNotifyGate? Gate, Socket? Socket, Task Report) : IAsyncDisposable
    {
        /// <summary>No connection to forward over (refused or unreachable); only the report being sent about it, if any.</summary>
        public static Upstream Refused(Task report) => new(null, null, null, report);

        public ValueTask DisposeAsync() => Tls?.DisposeAsync() ?? ValueTask.CompletedTask;
    }
}
