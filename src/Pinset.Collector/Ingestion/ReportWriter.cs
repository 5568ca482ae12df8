using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Pinset.Collector;

/// <summary>
/// Group commit: requests hand their report to a bounded queue and wait; one loop takes everything queued (up to
/// <see cref="StorageOptions.MaxBatchSize"/>), adds identical reports of the same minute together, writes them in one
/// transaction and only then completes the waiting requests, which answer 202. While one batch commits, the next one
/// gathers, so the commit rate adapts to the load. A failed commit fails its requests (503, so senders retry); a killed
/// process leaves only unanswered reports unwritten. A full queue answers 503 at once instead of growing.
/// </summary>
internal sealed partial class ReportWriter : BackgroundService
{
    private readonly ReportStore _store;
    private readonly TimeProvider _time;
    private readonly CollectorMetrics _metrics;
    private readonly ILogger<ReportWriter> _logger;
    private readonly int _maxBatch;
    private readonly Channel<Pending> _queue;

    public ReportWriter(ReportStore store, TimeProvider time, CollectorMetrics metrics, IOptions<CollectorOptions> options, ILogger<ReportWriter> logger)
    {
        _store = store;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _maxBatch = options.Value.Storage.MaxBatchSize;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.Value.Storage.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    /// <summary>True while the loop runs, for the health check.</summary>
    public bool IsRunning => ExecuteTask is { IsCompleted: false };

    /// <summary>Completes when the report is durably stored.</summary>
    /// <exception cref="ReportRejectedException">The queue is full or closed (503), or the commit failed (503).</exception>
    public Task StoreAsync(ReceivedReport report)
    {
        var pending = new Pending(report, _time.GetUtcNow(), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ReportRejectedException(RejectionReason.Saturated, "The collector has more reports waiting to be stored than it queues; send this one again in a few seconds.");
        }

        return pending.Stored.Task;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // No new reports; the loop stores what is queued (within the host's shutdown timeout), then ends.
        _queue.Writer.TryComplete();
        if (ExecuteTask is { } loop)
        {
            await loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        DbConnection? connection = null;
        var batch = new List<Pending>(_maxBatch);
        var groups = new Dictionary<(string, long), ReportGroup>();
        try
        {
            // Not stoppingToken: the queue is drained at shutdown, and a commit is never abandoned half-way.
            while (await _queue.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                batch.Clear();
                groups.Clear();
                while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                    var minute = pending.Received.ToUnixTimeSeconds() / 60;
                    var key = (pending.Report.Fingerprint, minute);
                    groups[key] = groups.TryGetValue(key, out var group)
                        ? group with { Count = group.Count + 1, LastSeen = pending.Received }
                        : new ReportGroup(pending.Report, minute, 1, pending.Received, pending.Received);
                }

                try
                {
                    connection ??= await _store.OpenWriterConnectionAsync(CancellationToken.None).ConfigureAwait(false);
                    await _store.WriteAsync(connection, groups.Values, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    // Whatever failed, the loop lives on: the batch is answered 503 (its senders retry) and the
                    // connection is opened anew for the next one. Nothing is answered 202 that was not committed.
                    CollectorLog.CommitFailed(_logger, batch.Count, ex);
                    if (connection is not null)
                    {
                        await connection.DisposeAsync().ConfigureAwait(false);
                        connection = null;
                    }

                    foreach (var failed in batch)
                    {
                        _metrics.Rejected(RejectionReason.StorageFailed);
                        failed.Stored.TrySetException(new ReportRejectedException(RejectionReason.StorageFailed, "The report could not be stored; send it again later."));
                    }

                    continue;
                }

                _metrics.Stored(batch.Count);
                foreach (var stored in batch)
                {
                    stored.Stored.TrySetResult();
                }
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private sealed record Pending(ReceivedReport Report, DateTimeOffset Received, TaskCompletionSource Stored);
}
