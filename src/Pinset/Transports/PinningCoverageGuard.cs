using System.Diagnostics.Tracing;

namespace Pinset;

/// <summary>
/// Detects, at run time, TLS handshakes that the process makes to a host the pinner's policy covers but that no Pinset
/// validator saw: an <c>HttpClient</c> someone created with <c>new</c>, a library's own client, a raw <c>SslStream</c>.
/// It listens to the runtime's own TLS telemetry (the <c>System.Net.Security</c> event source: handshake start and
/// stop) in this process and patches nothing; a handshake counts as pinned when any Pinset callback ran inside it,
/// whatever its verdict. Opt-in: create one and keep it for the life of the app (dispose it to stop). Handshakes the
/// server side makes, and handshakes that fail, are not counted. HTTP/3 (QUIC) handshakes are not reported by that
/// event source, and Pinset refuses them anyway.
/// </summary>
public sealed class PinningCoverageGuard : IDisposable
{
    private const string SecurityEventSource = "System.Net.Security";
    private const int HandshakeStart = 1;
    private const int HandshakeStop = 2;
    private const int HandshakeFailed = 3;

    private readonly CertificatePinner _pinner;
    private readonly Action<UnpinnedHandshake>? _onUnpinnedHandshake;
    private readonly AsyncLocal<HandshakeMarks.Mark?> _mark = new();
    private readonly Listener _listener;
    private long _count;
    private UnpinnedHandshake? _last;

    /// <summary>Starts watching. <paramref name="onUnpinnedHandshake"/> is called for each detection; keep it fast and never let it throw (what it throws is dropped, never the app's handshake).</summary>
    public PinningCoverageGuard(CertificatePinner pinner, Action<UnpinnedHandshake>? onUnpinnedHandshake = null)
    {
        ArgumentNullException.ThrowIfNull(pinner);
        _pinner = pinner;
        _onUnpinnedHandshake = onUnpinnedHandshake;
        HandshakeMarks.Register(_mark);
        _listener = new Listener(this);
    }

    /// <summary>Unpinned handshakes to covered hosts since the guard started.</summary>
    public long UnpinnedHandshakeCount => Interlocked.Read(ref _count);

    /// <summary>The latest one, or null.</summary>
    public UnpinnedHandshake? LastUnpinnedHandshake => Volatile.Read(ref _last);

    /// <summary>Stops watching.</summary>
    public void Dispose()
    {
        _listener.Dispose();
        HandshakeMarks.Unregister(_mark);
    }

    private void OnEvent(EventWrittenEventArgs e)
    {
        switch (e.EventId)
        {
            case HandshakeStart when e.Payload is [false, var host, ..]:
                _mark.Value = new HandshakeMarks.Mark(host as string);
                return;
            case HandshakeStop or HandshakeFailed when _mark.Value is { } mark:
                _mark.Value = null;
                if (e.EventId == HandshakeStop && !mark.Validated)
                {
                    Judge(mark.Host);
                }

                return;
        }
    }

    private void Judge(string? host)
    {
        try
        {
            var policy = _pinner.Policy;
            string name = HostName.TryNormalize(host, out var normalized) ? normalized : host ?? string.Empty;
            var match = name.Length > 0 && normalized.Length > 0 ? policy.FindNormalized(normalized) : null;
            if (match is null && !policy.RequirePinnedHosts)
            {
                return;
            }

            var found = new UnpinnedHandshake(name, match?.Pattern, _pinner.Options.TimeProvider.GetUtcNow());
            Interlocked.Increment(ref _count);
            Volatile.Write(ref _last, found);
            _onUnpinnedHandshake?.Invoke(found);
        }
        catch (Exception)
        {
            // A detector must never disturb the handshake it watches.
        }
    }

    private sealed class Listener : EventListener
    {
        // EventListener's constructor reports the sources that exist already, before this class's fields are set.
        private readonly PinningCoverageGuard? _guard;

        public Listener(PinningCoverageGuard guard)
        {
            _guard = guard;
            foreach (var source in EventSource.GetSources())
            {
                OnEventSourceCreated(source);
            }
        }

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (_guard is not null && eventSource.Name == SecurityEventSource)
            {
                EnableEvents(eventSource, EventLevel.Informational);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (_guard is not null && eventData.EventSource.Name == SecurityEventSource)
            {
                _guard.OnEvent(eventData);
            }
        }
    }
}
