using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Pinset.Tunnel;

/// <summary>
/// A running pinning tunnel: one listening socket per route, one session per accepted connection. Nothing is read from
/// a client until the upstream TLS handshake has passed the platform's validation and the pin check, so a refused
/// server never receives a byte of the client's. <see cref="StopAsync"/> stops accepting, lets the open sessions finish
/// for up to <see cref="PinnedTunnelOptions.DrainTimeout"/>, and cuts those still open. In an app, let
/// <c>services.AddPinnedTunnel(...)</c> run it as a hosted service; <c>pinset tunnel</c> runs it too.
/// </summary>
public sealed class PinnedTunnel : IAsyncDisposable
{
    private readonly IReadOnlyList<(TunnelRouteState State, Socket Listener)> _routes;
    private readonly TimeSpan _drainTimeout;
    private readonly TunnelContext _context;
    private readonly ConcurrentDictionary<long, Task> _sessions = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly Task _accepting;
    private readonly Lock _stopGate = new();
    private Task? _stopped;
    private long _nextId;

    private PinnedTunnel(IReadOnlyList<(TunnelRouteState, Socket)> routes, PinnedTunnelOptions options, TunnelContext context)
    {
        _routes = routes;
        _drainTimeout = options.DrainTimeout;
        _context = context;
        Endpoints = [.. routes.Select(r => (IPEndPoint)r.Item2.LocalEndPoint!)];
        _accepting = Task.WhenAll(routes.Select(r => AcceptAsync(r.Item2, r.Item1)));
    }

    /// <summary>The addresses the routes listen on, in the order of <see cref="PinnedTunnelOptions.Routes"/>, with the ports the system chose for port 0.</summary>
    public IReadOnlyList<IPEndPoint> Endpoints { get; }

    /// <summary>
    /// Checks the options (every problem at once), loads each route's policy, listens on each route's address, and logs
    /// each as <c>listening</c>. Returns once every route accepts connections.
    /// </summary>
    /// <param name="options">The routes and how they run; read once, here.</param>
    /// <param name="logger">Where the tunnel's events go (<c>listening</c>, <c>session-opened</c>, <c>pin-refused</c>...).</param>
    /// <param name="timeProvider">The clock of policy expiry, idle limits and the drain. Default: the system's.</param>
    /// <param name="cancellationToken">Abandons the start.</param>
    /// <exception cref="PinnedTunnelException">The options have problems, a policy does not load, does not pin its route's TLS name or has expired, or an address cannot be listened on; nothing listens.</exception>
    public static async Task<PinnedTunnel> StartAsync(PinnedTunnelOptions options, ILogger logger, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var problems = options.Problems();
        if (problems.Count > 0)
        {
            throw new PinnedTunnelException(problems.Count == 1 ? problems[0] : $"The tunnel's options have {Plural.Count(problems.Count, "problem")}:\n  {string.Join("\n  ", problems)}");
        }

        var time = timeProvider ?? TimeProvider.System;
        var routes = new List<(TunnelRouteState, Socket)>();
        var policies = new List<TunnelPolicy>();
        try
        {
            foreach (var route in options.Routes)
            {
                policies.Add(await TunnelPolicy.LoadAsync(route, options.ReadPolicy ?? TunnelPolicy.ReadFileAsync, time, logger, cancellationToken).ConfigureAwait(false));
            }

            for (int i = 0; i < options.Routes.Count; i++)
            {
                var route = options.Routes[i];
                var pinnerOptions = new CertificatePinnerOptions { CustomTrustRoots = route.CustomTrustRoots, TimeProvider = time };
                routes.Add((new TunnelRouteState(route, policies[i], pinnerOptions), Listen(route)));
            }
        }
        catch
        {
            routes.ForEach(r => r.Item2.Dispose());
            policies.ForEach(p => p.Dispose());
            throw;
        }

        foreach (var (state, listener) in routes)
        {
            var route = state.Route;
            TunnelLog.Listening(logger, ListenEndpoint.Display(listener.LocalEndPoint), route.Label, route.Target, route.EffectiveTlsName, route.PolicyPath);
        }

        return new PinnedTunnel(routes, options, new TunnelContext(options, logger, time));
    }

    /// <summary>
    /// Stops accepting at once (new connections are refused), lets the open sessions finish for up to
    /// <see cref="PinnedTunnelOptions.DrainTimeout"/> or until <paramref name="cancellationToken"/> is cancelled, then cuts
    /// those still open. Every call returns the one stop.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_stopGate)
        {
            return _stopped ??= StopOnceAsync(cancellationToken);
        }
    }

    /// <summary>Stops as <see cref="StopAsync"/> does, then releases the policies' timers and the report sender.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        foreach (var (state, _) in _routes)
        {
            state.Policy.Dispose();
        }

        await _context.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _abort.Dispose();
    }

    private async Task StopOnceAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _accepting.ConfigureAwait(false);
        await TunnelDrain.DrainAsync([.. _sessions.Values], _abort, _drainTimeout, _context, cancellationToken).ConfigureAwait(false);
    }

    private static Socket Listen(PinnedTunnelRoute route)
    {
        var socket = new Socket(route.Listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(route.Listen);
            socket.Listen(512);
            return socket;
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new PinnedTunnelException($"Cannot listen on {ListenEndpoint.Display(route.Listen)}{route.Label}: {ex.Message}{(ex.SocketErrorCode == SocketError.AddressAlreadyInUse ? " Another process listens there; choose another port." : string.Empty)}", ex);
        }
    }

    /// <summary>
    /// Accepts on a thread of its own with blocking calls, so each client socket is a blocking one (see
    /// <see cref="TunnelSession"/>'s copy threads); stopping closes the listener, which ends the wait.
    /// </summary>
    private Task AcceptAsync(Socket listener, TunnelRouteState state) =>
        Task.Factory.StartNew(() =>
        {
            var stop = _stopping.Token;
            using var closing = stop.Register(listener.Dispose);
            while (!stop.IsCancellationRequested)
            {
                Socket client;
                try
                {
                    client = listener.Accept();
                }
                catch (Exception ex) when (stop.IsCancellationRequested && ex is SocketException or ObjectDisposedException)
                {
                    return;
                }
                catch (SocketException ex)
                {
                    // Out of file descriptors, say: the listener stays, and the next accept is tried after a pause.
                    TunnelLog.AcceptFailed(_context.Log, ListenEndpoint.Display(state.Route.Listen), ex.Message);
                    stop.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(100));
                    continue;
                }

                client.NoDelay = true;
                TunnelContext.KeepAlive(client);
                long id = Interlocked.Increment(ref _nextId);
                var session = new TunnelSession(id, client, state, _context);
                var abort = _abort.Token;
                var running = Task.Run(
                    async () =>
                    {
                        await session.RunAsync(abort).ConfigureAwait(false);
                        _sessions.TryRemove(id, out _);
                    },
                    CancellationToken.None);
                _sessions[id] = running;
                if (running.IsCompleted)
                {
                    // It ended before it was added: removed here, so a day of short sessions leaves nothing behind.
                    _sessions.TryRemove(id, out _);
                }
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
