using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Pinset.Extensions;

namespace Pinset.Tunnel;

/// <summary>What every session of a tunnel shares: the log, the clock, the idle limit, the names of the settings, the report sender.</summary>
internal sealed class TunnelContext(PinnedTunnelOptions options, ILogger log, TimeProvider time) : IAsyncDisposable
{
    private readonly PinViolationReportClient? _reports = options.SendReports ? new PinViolationReportClient(time, options.Reporting) : null;

    public ILogger Log { get; } = log;

    public TimeProvider Time { get; } = time;

    public TimeSpan? IdleTimeout { get; } = options.IdleTimeout;

    public TunnelSettingNames Names { get; } = options.SettingNames;

    /// <summary>Sends the RFC 7469 report of a refused or flagged result when reports are on; failures are logged as warnings.</summary>
    public Task ReportAsync(PinValidationResult result, PinnedTunnelRoute route, long session, CancellationToken cancel) =>
        _reports is null || !PinViolationReportClient.Reportable(result)
            ? Task.CompletedTask
            : _reports.SendAsync(result.Port == 0 ? result.WithPort(route.Port) : result, route.Target, warning => TunnelLog.ReportFailed(Log, session, warning), cancel);

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

    public ValueTask DisposeAsync() => _reports?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary>A route as it runs: its settings, its policy file as last loaded, and the pinner options of its trust and clock.</summary>
internal sealed record TunnelRouteState(PinnedTunnelRoute Route, TunnelPolicy Policy, CertificatePinnerOptions PinnerOptions);
