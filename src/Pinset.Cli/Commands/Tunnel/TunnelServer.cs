using System.Collections.Concurrent;
using System.Net.Sockets;

namespace Pinset.Cli;

/// <summary>How the tunnel runs, for every route: the drain bound on stop, the idle limit, whether reports are sent.</summary>
internal sealed record TunnelOptions(TimeSpan DrainTimeout, TimeSpan? IdleTimeout, bool Report);

/// <summary>What every session of a tunnel shares: the log, the clock, the options, the report sender.</summary>
internal sealed class TunnelContext(CliConsole console, TunnelLog log, TunnelOptions options) : IDisposable
{
    private readonly CheckReporter? _reports = options.Report ? new CheckReporter(console.Time, CheckReporter.TunnelAppName) : null;
    private readonly ConcurrentDictionary<TunnelRoute, CertificatePinnerOptions> _pinnerOptions = new();

    public TunnelLog Log { get; } = log;

    public TimeProvider Time => console.Time;

    public TimeSpan? IdleTimeout => options.IdleTimeout;

    /// <summary>The pinner options of a route: its trust (--ca-file is a custom root store, as for verify), the clock.</summary>
    public CertificatePinnerOptions PinnerOptions(TunnelRoute route) =>
        _pinnerOptions.GetOrAdd(route, r => new CertificatePinnerOptions { CustomTrustRoots = r.Settings.Roots, TimeProvider = console.Time });

    /// <summary>Sends the RFC 7469 report of a refused or flagged result when --report is given; failures are logged as warnings.</summary>
    public Task ReportAsync(PinValidationResult result, TunnelRoute route, long session, CancellationToken cancel) =>
        _reports is null || !CheckReporter.Reportable(result)
            ? Task.CompletedTask
            : _reports.SendAsync(result, route.Target, warning => Log.Warn("report-failed", session, $"Session {session}: {warning}"), cancel);

    /// <summary>TCP keep-alive: the first probe after 60 seconds of silence, then every 10 seconds, the connection dropped after 5 unanswered.</summary>
    public static void KeepAlive(Socket? socket)
    {
        if (socket is null)
        {
            return;
        }

        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 60);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 10);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 5);
    }

    public void Dispose() => _reports?.Dispose();
}

/// <summary>
/// Runs a tunnel's routes: one listening socket each, one session per accepted connection, until the stop token
/// (Ctrl-C, SIGTERM). Then it stops accepting, lets the open sessions finish for up to the drain timeout, cuts those
/// still open, and returns 0.
/// </summary>
internal sealed class TunnelServer
{
    private readonly IReadOnlyList<(TunnelRoute Route, TunnelPolicy Policy)> _routes;
    private readonly TunnelOptions _options;
    private readonly TunnelContext _context;
    private readonly ConcurrentDictionary<long, Task> _sessions = new();
    private long _nextId;

    public TunnelServer(IReadOnlyList<(TunnelRoute Route, TunnelPolicy Policy)> routes, TunnelOptions options, TunnelContext context)
    {
        _routes = routes;
        _options = options;
        _context = context;
    }

    public async Task<int> RunAsync(CancellationToken stop)
    {
        var listeners = new List<Socket>();
        try
        {
            foreach (var (route, _) in _routes)
            {
                listeners.Add(Listen(route));
            }

            for (int i = 0; i < listeners.Count; i++)
            {
                var (route, _) = _routes[i];
                _context.Log.Info("listening", null, $"Listening on {ListenAddress.Display(listeners[i].LocalEndPoint)}{route.Label}: each connection is forwarded to {route.Target} over TLS as '{route.TlsName}', validated and pinned by '{route.PolicyPath}'.");
            }

            using var abort = new CancellationTokenSource();
            await Task.WhenAll(listeners.Select((listener, i) => AcceptAsync(listener, _routes[i].Route, _routes[i].Policy, stop, abort.Token))).ConfigureAwait(false);
            listeners.ForEach(l => l.Dispose());
            await DrainAsync(abort).ConfigureAwait(false);
            return ExitCodes.Success;
        }
        finally
        {
            listeners.ForEach(l => l.Dispose());
        }
    }

    private static Socket Listen(TunnelRoute route)
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
            throw new CliException(ExitCodes.BadInput, $"Cannot listen on {ListenAddress.Display(route.Listen)}{route.Label}: {ex.Message}{(ex.SocketErrorCode == SocketError.AddressAlreadyInUse ? " Another process listens there; choose another port." : string.Empty)}", ex);
        }
    }

    /// <summary>
    /// Accepts on a thread of its own with blocking calls, so each client socket is a blocking one (see
    /// <see cref="TunnelSession"/>'s copy threads); stopping closes the listener, which ends the wait.
    /// </summary>
    private Task AcceptAsync(Socket listener, TunnelRoute route, TunnelPolicy policy, CancellationToken stop, CancellationToken abort) =>
        Task.Factory.StartNew(() =>
        {
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
                    _context.Log.Error("accept-failed", null, $"Accepting a connection on {ListenAddress.Display(route.Listen)} failed: {ex.Message}");
                    stop.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(100));
                    continue;
                }

                client.NoDelay = true;
                TunnelContext.KeepAlive(client);
                long id = Interlocked.Increment(ref _nextId);
                var session = new TunnelSession(id, client, route, _context);
                var running = Task.Run(
                    async () =>
                    {
                        await session.RunAsync(policy, abort).ConfigureAwait(false);
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

    private async Task DrainAsync(CancellationTokenSource abort)
    {
        var open = _sessions.Values.ToArray();
        if (open.Length == 0)
        {
            _context.Log.Info("stopped", null, "Stopped: no new connections are accepted, and no session was open.");
            return;
        }

        _context.Log.Info("stopping", null, $"Stopping: no new connections are accepted; waiting up to {Duration.Describe(_options.DrainTimeout)} (--drain-timeout) for {open.Length} open session{(open.Length == 1 ? string.Empty : "s")} to end.");
        try
        {
            await Task.WhenAll(open).WaitAsync(_options.DrainTimeout, _context.Time).ConfigureAwait(false);
            _context.Log.Info("stopped", null, "Stopped: every session ended.");
        }
        catch (TimeoutException)
        {
            int cut = open.Count(t => !t.IsCompleted);
            await abort.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(open).ConfigureAwait(false);
            _context.Log.Warn("stopped", null, $"Stopped: {cut} session{(cut == 1 ? " was" : "s were")} still open after {Duration.Describe(_options.DrainTimeout)} (--drain-timeout) and {(cut == 1 ? "was" : "were")} cut.");
        }
    }
}
