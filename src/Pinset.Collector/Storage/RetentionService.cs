using Microsoft.Extensions.Options;

namespace Pinset.Collector;

/// <summary>Deletes report groups older than <see cref="StorageOptions.Retention"/>: at start, then hourly (on <see cref="TimeProvider"/>).</summary>
internal sealed class RetentionService(ReportStore store, TimeProvider time, IOptions<CollectorOptions> options, ILogger<RetentionService> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    private readonly TimeSpan _retention = options.Value.Storage.Retention;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await PurgeAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                CollectorLog.PeriodicTaskFailed(logger, "retention", ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>Deletes what is older than the retention now; returns the rows deleted.</summary>
    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        var before = (time.GetUtcNow() - _retention).ToUnixTimeSeconds() / 60;
        int rows = await store.PurgeAsync(before, cancellationToken).ConfigureAwait(false);
        if (rows > 0)
        {
            CollectorLog.Purged(logger, rows, _retention);
        }

        return rows;
    }
}
