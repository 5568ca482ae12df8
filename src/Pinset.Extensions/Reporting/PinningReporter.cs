using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pinset.Extensions;

/// <summary>
/// Sends RFC 7469 pin-violation reports without ever touching a handshake: <see cref="Enqueue"/> only dedupes and writes
/// to a bounded queue; a background loop posts each through <see cref="PinViolationReportSender"/> (timeouts, retries
/// with backoff and jitter, a circuit breaker per endpoint). Report traffic goes through its own unpinned client, so a
/// report can never cause another report. Disposing (however the app ends: the container disposes it, with or without a
/// host stop before) sends what is queued within <see cref="PinningReportOptions.ShutdownTimeout"/>, then abandons the
/// rest, counted and logged; it never throws, and nothing a send does can end the loop.
/// </summary>
internal sealed class PinningReporter : IAsyncDisposable, IDisposable
{
    private readonly PinningReportOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Channel<(Uri Uri, string Body, string Host)> _queue;
    private readonly Dictionary<string, DateTimeOffset> _sent = new(StringComparer.Ordinal);
    private readonly PinViolationReportSender _sender;
    private readonly CancellationTokenSource _abandon = new();
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _suppressed;
    private readonly Counter<long> _abandoned;
    private readonly Task _loop;

    /// <summary>Reports queued or being sent: what shutdown abandons when its time runs out.</summary>
    private long _pending;
    private int _closed;

    public PinningReporter(PinningReportOptions options, PinViolationReportSender sender, TimeProvider time, IMeterFactory meters, ILoggerFactory? loggers)
    {
        _options = options;
        _sender = sender;
        _time = time;
        _log = (loggers ?? NullLoggerFactory.Instance).CreateLogger("Pinset");
        _queue = Channel.CreateBounded<(Uri, string, string)>(new BoundedChannelOptions(options.QueueCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
        var meter = meters.Create(PinningMetricNames.Meter);
        _delivered = meter.CreateCounter<long>(PinningMetricNames.ReportsSent, "{report}", "Pin-violation reports delivered.");
        _failed = meter.CreateCounter<long>(PinningMetricNames.ReportsFailed, "{report}", "Pin-violation reports given up after every attempt.");
        _dropped = meter.CreateCounter<long>(PinningMetricNames.ReportsDropped, "{report}", "Pin-violation reports dropped because the queue was full.");
        _suppressed = meter.CreateCounter<long>(PinningMetricNames.ReportsSuppressed, "{report}", "Pin-violation reports not sent again within the duplicate window.");
        _abandoned = meter.CreateCounter<long>(PinningMetricNames.ReportsAbandoned, "{report}", "Pin-violation reports not sent because the app shut down first.");
        _loop = Task.Run(SendLoopAsync);
    }

    /// <summary>Queues a report for a refusing or flagged result whose policy has report URIs. Never blocks, never throws for a network reason.</summary>
    public void Enqueue(PinValidationResult result)
    {
        if (result.Policy is not { ReportUris.Count: > 0 } policy || result.Outcome is PinValidationOutcome.PinMatched or PinValidationOutcome.NoPolicy)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var key = string.Join('|', [result.Host, result.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), (result.EnforcedOutcome ?? result.Outcome).ToString(),
            .. result.ValidatedChain.Select(c => c.Fingerprint.ToString()), .. policy.Pins.Select(p => p.ToString())]);
        lock (_sent)
        {
            if (_sent.TryGetValue(key, out var last) && now - last < _options.DuplicateWindow)
            {
                _suppressed.Add(1);
                return;
            }

            if (_sent.Count >= 10_000)
            {
                _sent.Remove(_sent.MinBy(e => e.Value).Key);
            }

            _sent[key] = now;
        }

        var body = PinViolationReport.ToJson(result, now, PinViolationReportClient.AppFields(_options));
        foreach (var uri in policy.ReportUris)
        {
            Interlocked.Increment(ref _pending);
            if (_queue.Writer.TryWrite((uri, body, result.Host)))
            {
                continue;
            }

            Interlocked.Decrement(ref _pending);
            if (Volatile.Read(ref _closed) != 0)
            {
                Abandon(1, $"the report for '{result.Host}' was made after reporting had shut down (a handshake while the app was being disposed).");
            }
            else
            {
                _dropped.Add(1);
                PinningLog.ReportDropped(_log, result.Host, _options.QueueCapacity);
            }
        }
    }

    private async Task SendLoopAsync()
    {
        try
        {
            await foreach (var (uri, body, host) in _queue.Reader.ReadAllAsync(_abandon.Token).ConfigureAwait(false))
            {
                await SendAsync(uri, body, host).ConfigureAwait(false);
                Interlocked.Decrement(ref _pending);
            }
        }
        catch (OperationCanceledException) when (_abandon.IsCancellationRequested)
        {
            // Shutdown ran out of time; what is left is counted and logged as abandoned.
        }
    }

    private async Task SendAsync(Uri uri, string body, string host)
    {
        PinViolationReportOutcome outcome;
        try
        {
            outcome = await _sender.SendAsync(uri, body, _abandon.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_abandon.IsCancellationRequested)
        {
            // Not a network reason (those are outcomes): still a failed report, never the end of the loop.
            outcome = new PinViolationReportOutcome(false, [$"{ex.GetType().Name}: {ex.Message.TrimEnd('.')}"]);
        }

        for (int i = 0; i < outcome.FailedAttempts.Count; i++)
        {
            PinningLog.ReportSendFailed(_log, host, uri.ToString(), i + 1, _options.MaxAttempts, outcome.FailedAttempts[i]);
        }

        (outcome.Delivered ? _delivered : _failed).Add(1);
    }

    /// <summary>
    /// As <see cref="DisposeAsync"/>, for containers disposed synchronously: it blocks (never over async code, which
    /// could deadlock on a synchronization context) for at most <see cref="PinningReportOptions.ShutdownTimeout"/>.
    /// </summary>
    public void Dispose()
    {
        if (!Close())
        {
            return;
        }

        using var bound = new CancellationTokenSource(_options.ShutdownTimeout, _time);
        try
        {
            _loop.Wait(bound.Token);
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            _abandon.Cancel();
            ((IAsyncResult)_loop).AsyncWaitHandle.WaitOne();
        }

        Finish();
    }

    /// <summary>Stops taking reports and sends what is queued, for at most <see cref="PinningReportOptions.ShutdownTimeout"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!Close())
        {
            return;
        }

        using var bound = new CancellationTokenSource(_options.ShutdownTimeout, _time);
        try
        {
            await _loop.WaitAsync(bound.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            await _abandon.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        Finish();
    }

    /// <summary>Takes no more reports; false when shutdown has begun already.</summary>
    private bool Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return false;
        }

        _queue.Writer.TryComplete();
        return true;
    }

    /// <summary>Counts and logs what shutdown left unsent.</summary>
    private void Finish()
    {
        long left = Interlocked.Exchange(ref _pending, 0);
        if (left > 0)
        {
            Abandon(left, $"Reporting.ShutdownTimeout '{_options.ShutdownTimeout}' ran out before the report endpoint answered. Check the endpoint (event 7 names its problems), or raise Reporting.ShutdownTimeout.");
        }

        _abandon.Dispose();
    }

    private void Abandon(long count, string reason)
    {
        _abandoned.Add(count);
        PinningLog.ReportsAbandoned(_log, count, reason);
    }
}
